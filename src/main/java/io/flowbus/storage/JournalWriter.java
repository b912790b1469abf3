package io.flowbus.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends journal lines on one thread of its own, in the order they were given, writing everything
 * queued at once (group commit) so that a burst of task results costs one write per run file. Each
 * append completes once its line is written (and forced to disk when {@code fsync} is on).
 */
public final class JournalWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);

  private final BlockingQueue<Op> queue = new LinkedBlockingQueue<>();
  private final Map<Path, FileChannel> open = new HashMap<>();
  private final boolean fsync;
  private final Thread thread;
  private volatile boolean closed;

  /** File work that must happen in order with the appends around it. */
  @FunctionalInterface
  public interface FileAction {
    void run() throws IOException;
  }

  private record Op(Path file, String line, FileAction action, CompletableFuture<Void> done) {}

  private static final Op STOP = new Op(null, null, () -> {}, new CompletableFuture<>());

  public JournalWriter(boolean fsync) {
    this.fsync = fsync;
    this.thread = new Thread(this::loop, "flowbus-journal");
    thread.setDaemon(true);
    thread.start();
  }

  /** Appends one line (a newline is added) to {@code file}. */
  public CompletableFuture<Void> append(Path file, String line) {
    return submit(new Op(file, line, null, new CompletableFuture<>()));
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
        batch.add(queue.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      queue.drainTo(batch);
      stop = batch.remove(STOP);
      write(batch);
      batch.clear();
    }
    open.values().forEach(JournalWriter::closeQuietly);
    open.clear();
    for (Op late = queue.poll(); late != null; late = queue.poll()) {
      late.done().completeExceptionally(new IOException("the journal is closed"));
    }
  }

  private void write(List<Op> batch) {
    Map<Path, StringBuilder> pending = new HashMap<>();
    List<Op> finished = new ArrayList<>(batch.size());
    for (Op op : batch) {
      if (op.action() == null) {
        pending.computeIfAbsent(op.file(), f -> new StringBuilder()).append(op.line()).append('\n');
        finished.add(op);
        continue;
      }
      flush(pending, finished);
      if (op.file() != null) {
        closeQuietly(open.remove(op.file()));
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
          try {
            FileChannel channel = channel(file);
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
              channel.write(bytes);
            }
            if (fsync) {
              channel.force(false);
            }
          } catch (IOException e) {
            LOG.error("cannot write journal {}: {}", file, e.toString());
            failures.put(file, e);
            closeQuietly(open.remove(file));
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
  }

  private FileChannel channel(Path file) throws IOException {
    FileChannel channel = open.get(file);
    if (channel == null) {
      PrivateFiles.createDirectories(file.getParent());
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      open.put(file, channel);
    }
    return channel;
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("cannot close a journal file: {}", e.toString());
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
