package io.flowbus.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends journal lines on one thread of its own, in the order they were given, writing everything
 * queued at once (group commit) so that a burst of task results costs one write per run file. Each
 * append completes once its line is written (and forced to disk when {@code fsync} is on); one that
 * fails leaves nothing of itself in the file (see {@link JournalFile}). Files are closed when idle
 * and at most {@code maxOpen} are open at once, so that many active runs hold few descriptors.
 */
public final class JournalWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
  static final int MAX_OPEN = 64;
  static final Duration IDLE = Duration.ofSeconds(5);

  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();

  /** In order of last use, so that the first one is the one to close. */
  private final Map<Path, JournalFile> open = new LinkedHashMap<>(16, 0.75f, true);

  /** Where files ended before an append that failed, to be cut back there when next opened. */
  private final Map<Path, Long> failedAt = new HashMap<>();

  private final boolean fsync;
  private final int maxOpen;
  private final long idleNanos;
  private final JournalFile.Opener opener;
  private final Thread thread;
  private volatile int openCount;
  private volatile boolean closed;

  /** File work that must happen in order with the appends around it. */
  @FunctionalInterface
  public interface FileAction {
    void run() throws IOException;
  }

  private record Op(Path file, String line, FileAction action, CompletableFuture<Void> done) {}

  private static final Op STOP = new Op(null, null, () -> {}, new CompletableFuture<>());

  public JournalWriter(boolean fsync) {
    this(fsync, MAX_OPEN, IDLE, JournalFile.Opener.FILES);
  }

  JournalWriter(boolean fsync, int maxOpen, Duration idle, JournalFile.Opener opener) {
    this.fsync = fsync;
    this.maxOpen = maxOpen;
    this.idleNanos = idle.toNanos();
    this.opener = opener;
    this.thread = new Thread(this::loop, "flowbus-journal");
    thread.setDaemon(true);
    thread.start();
  }

  /** Appends one journal line holding {@code json} (one line of JSON text) to {@code file}. */
  public CompletableFuture<Void> append(Path file, String json) {
    return submit(new Op(file, json, null, new CompletableFuture<>()));
  }

  /** Closes {@code file} once everything queued before has been written. */
  public CompletableFuture<Void> closeFile(Path file) {
    return execute(file, () -> closeQuietly(open.remove(file)));
  }

  /**
   * Runs {@code action} after everything queued before it is written; {@code file} is closed first,
   * so that the action may move or delete it.
   */
  public CompletableFuture<Void> execute(Path file, FileAction action) {
    return submit(new Op(file, null, action, new CompletableFuture<>()));
  }

  /** How many journal files are open now. */
  int openFiles() {
    return openCount;
  }

  private CompletableFuture<Void> submit(Op op) {
    if (closed) {
      op.done().completeExceptionally(new IOException("the journal is closed"));
    } else {
      queue.add(op);
    }
    return op.done();
  }

  private void loop() {
    List<Op> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        Op first = open.isEmpty() ? queue.take() : queue.poll(idleNanos, TimeUnit.NANOSECONDS);
        if (first != null) {
          batch.add(first);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(batch);
      stop = batch.remove(STOP);
      try {
        write(batch);
      } catch (RuntimeException | Error e) {
        // the thread must live on: a write nobody answers would hang every caller behind it
        LOG.error("journal batch failed: {}", e.toString());
        batch.forEach(op -> op.done().completeExceptionally(e));
      }
      batch.clear();
      closeIdle();
    }
    open.values().forEach(JournalWriter::closeQuietly);
    open.clear();
    openCount = 0;
    for (Op late = queue.poll(); late != null; late = queue.poll()) {
      late.done().completeExceptionally(new IOException("the journal is closed"));
    }
  }

  private void write(List<Op> batch) {
    Map<Path, StringBuilder> pending = new LinkedHashMap<>();
    List<Op> finished = new ArrayList<>(batch.size());
    for (Op op : batch) {
      if (op.action() == null) {
        pending
            .computeIfAbsent(op.file(), f -> new StringBuilder())
            .append(JournalLine.encode(op.line()))
            .append('\n');
        finished.add(op);
        continue;
      }
      flush(pending, finished);
      if (op.file() != null) {
        closeQuietly(open.remove(op.file()));
        failedAt.remove(op.file());
      }
      try {
        op.action().run();
        op.done().complete(null);
      } catch (IOException | RuntimeException e) {
        op.done().completeExceptionally(e);
      }
    }
    flush(pending, finished);
  }

  private void flush(Map<Path, StringBuilder> pending, List<Op> finished) {
    Map<Path, IOException> failures = new HashMap<>();
    pending.forEach(
        (file, text) -> {
          ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
          try {
            file(file).append(bytes, fsync, System.nanoTime());
          } catch (IOException e) {
            LOG.error("cannot write journal {}: {}", file, e.toString());
            failures.put(file, e);
            JournalFile failed = open.remove(file);
            if (failed != null) {
              failedAt.put(file, failed.end());
              failed.close();
            }
          }
        });
    for (Op op : finished) {
      IOException failure = failures.get(op.file());
      if (failure == null) {
        op.done().complete(null);
      } else {
        op.done().completeExceptionally(failure);
      }
    }
    pending.clear();
    finished.clear();
    openCount = open.size();
  }

  private JournalFile file(Path path) throws IOException {
    JournalFile file = open.get(path);
    if (file == null) {
      file = JournalFile.open(path, opener, failedAt.get(path));
      failedAt.remove(path);
      open.put(path, file);
      if (open.size() > maxOpen) {
        Iterator<JournalFile> eldest = open.values().iterator();
        eldest.next().close();
        eldest.remove();
      }
      openCount = open.size();
    }
    return file;
  }

  private void closeIdle() {
    long now = System.nanoTime();
    Iterator<JournalFile> files = open.values().iterator();
    while (files.hasNext()) {
      JournalFile file = files.next();
      if (now - file.lastUsed() < idleNanos) {
        break; // the others were used later still
      }
      file.close();
      files.remove();
    }
    openCount = open.size();
  }

  private static void closeQuietly(JournalFile file) {
    if (file != null) {
      file.close();
    }
  }

  /** Writes everything queued, then stops. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
