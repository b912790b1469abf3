package io.flowbus.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of this node's running attempts, appended to one file on local disk ({@code
 * --local-dir}, never the shared volume), so that what a crashed node left running can be stopped
 * before work starts again on the host. The nodes of a host share the folder: each keeps a folder
 * of its own in it ({@link SessionFolder}), locked while it lives; a starting node stops what the
 * dead ones recorded ({@link LeftoverSessions}). A record names the session id, its leader's start
 * time and the boot id.
 *
 * <p>The file is a log: {@code + sid start boot} when an attempt starts, {@code - sid} when it
 * ends; two appends per task, no file made or removed. It is rewritten with only the running
 * sessions once it has grown well past them. Nothing is forced to disk: what the page cache holds
 * outlives the node's process, and after a reboot no record counts anyway.
 */
final class SessionRecords implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRecords.class);

  /** The log is rewritten when it has this many more lines than running sessions. */
  static final int COMPACT_AFTER = 4096;

  private final Path own;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final String bootId = SessionFolder.bootId();
  private final Map<Long, String> running = new HashMap<>();
  private FileChannel log;
  private int lines;
  private boolean warned;

  private SessionRecords(Path own, FileChannel lockChannel, FileLock lock) throws IOException {
    this.own = own;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.log = appendTo(own.resolve(SessionFolder.LOG_FILE));
  }

  /** Takes a folder of its own in {@code dir} for this node. */
  static SessionRecords open(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    for (int tries = 0; ; tries++) {
      Path own = dir.resolve("node-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
      Files.createDirectories(own);
      FileChannel channel =
          FileChannel.open(
              own.resolve(SessionFolder.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = SessionFolder.tryLock(channel);
      if (lock != null) {
        return new SessionRecords(own, channel, lock);
      }
      channel.close(); // a starting node took it for a dead one's: take another
      if (tries == 3) {
        throw new IOException("cannot lock a folder of this node's own in " + dir);
      }
    }
  }

  /** Notes a running attempt's session; a failure is logged once and does not stop the task. */
  synchronized void add(long sid, long leaderStart) {
    String record = sid + " " + leaderStart + " " + bootId;
    running.put(sid, record);
    append("+ " + record + "\n");
  }

  synchronized void remove(long sid) {
    if (running.remove(sid) != null) {
      append("- " + sid + "\n");
      if (lines > running.size() + COMPACT_AFTER) {
        compact();
      }
    }
  }

  private void append(String line) {
    try {
      ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
      while (bytes.hasRemaining()) {
        log.write(bytes);
      }
      lines++;
    } catch (IOException e) {
      warnOnce("cannot record task sessions in " + own + ": " + e);
    }
  }

  /** Rewrites the log with the running sessions only; the rename makes it whole or not at all. */
  private void compact() {
    Path file = own.resolve(SessionFolder.LOG_FILE);
    Path next = own.resolve(SessionFolder.LOG_FILE + ".next");
    StringBuilder text = new StringBuilder();
    running.values().forEach(record -> text.append("+ ").append(record).append('\n'));
    try {
      Files.writeString(next, text, StandardCharsets.US_ASCII);
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
      log.close();
      log = appendTo(file);
      lines = running.size();
    } catch (IOException e) {
      warnOnce("cannot rewrite the task session records in " + own + ": " + e);
    }
  }

  private static FileChannel appendTo(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  /** This node's own folder. */
  Path folder() {
    return own;
  }

  private synchronized void warnOnce(String message) {
    if (!warned) {
      warned = true;
      LOG.warn(message);
    }
  }

  /** Releases this node's folder; removes it when no record is left (a clean stop). */
  @Override
  public synchronized void close() {
    try (FileChannel channel = lockChannel) {
      log.close();
      if (running.isEmpty()) {
        SessionFolder.removeQuietly(own);
      }
      lock.release();
    } catch (IOException e) {
      LOG.debug("cannot tidy {}: {}", own, e.toString());
    }
  }
}
