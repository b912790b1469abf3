package io.flowbus.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of this node's running attempts, one small file each in a node-local folder ({@code
 * --local-dir}, never the shared volume), so that a node restarted after a crash can stop what its
 * previous life left running before it takes work. A record names the session id, its leader's
 * start time and the boot id: a record from before a reboot, or whose pid now names another
 * process, stops nothing. A lock file keeps two live nodes from sharing the folder.
 */
final class SessionRecords implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRecords.class);

  private final Path dir;
  private final Path sessions;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final String bootId;
  private boolean warned;

  private SessionRecords(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.sessions = dir.resolve("sessions");
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.bootId = bootId();
  }

  /** Takes the folder for this node; an {@link IOException} when another live node has it. */
  static SessionRecords open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(dir.resolve("sessions"));
    FileChannel channel =
        FileChannel.open(
            dir.resolve("node.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException(
          "the local directory "
              + dir
              + " is used by another running node: give each node its own"
              + " --local-dir");
    }
    return new SessionRecords(dir, channel, lock);
  }

  /** Notes a running attempt's session; a failure is logged once and does not stop the task. */
  void add(long sid, long leaderStart) {
    String line = sid + " " + leaderStart + " " + bootId + "\n";
    try {
      Files.writeString(sessions.resolve(Long.toString(sid)), line, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      warnOnce("cannot record task sessions in " + sessions + ": " + e);
    }
  }

  void remove(long sid) {
    try {
      Files.deleteIfExists(sessions.resolve(Long.toString(sid)));
    } catch (IOException e) {
      warnOnce("cannot remove a task session record in " + sessions + ": " + e);
    }
  }

  private synchronized void warnOnce(String message) {
    if (!warned) {
      warned = true;
      LOG.warn(message);
    }
  }

  /**
   * Stops every session that the records of an earlier life of this node name, waits until they are
   * gone, and removes the records. Blocking. Returns how many processes were stopped.
   */
  int stopLeftovers(Duration grace, ScheduledExecutorService timer) throws IOException {
    List<Path> records = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(sessions)) {
      files.forEach(records::add);
    }
    List<CompletableFuture<Integer>> stopping = new ArrayList<>();
    for (Path record : records) {
      String[] fields = Files.readString(record, StandardCharsets.US_ASCII).strip().split(" ");
      if (fields.length == 3 && fields[2].equals(bootId)) {
        long sid = Long.parseLong(fields[0]);
        stopping.add(ProcessSession.stop(sid, Long.parseLong(fields[1]), grace, timer));
      }
    }
    int stopped = stopping.stream().mapToInt(CompletableFuture::join).sum();
    for (Path record : records) {
      Files.deleteIfExists(record);
    }
    if (!records.isEmpty()) {
      LOG.info(
          "stopped {} processes left running by an earlier life of this node ({} task sessions"
              + " recorded in {})",
          stopped,
          records.size(),
          sessions);
    }
    return stopped;
  }

  /** Releases the folder; removes it when no record is left (a clean stop). */
  @Override
  public void close() {
    try (FileChannel channel = lockChannel) {
      try (DirectoryStream<Path> left = Files.newDirectoryStream(sessions)) {
        if (!left.iterator().hasNext()) {
          // deleted while still locked: a node that opened the old file cannot take it
          Files.delete(sessions);
          Files.delete(dir.resolve("node.lock"));
          Files.delete(dir);
        }
      }
      lock.release();
    } catch (IOException e) {
      LOG.debug("cannot tidy {}: {}", dir, e.toString());
    }
  }

  private static String bootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
