package io.flowbus.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of this node's running attempts, appended to one file on local disk ({@code
 * --local-dir}, never the shared volume), so that what a crashed node left running can be stopped
 * before work starts again on the host. The nodes of a host share the folder: each keeps a folder
 * of its own in it, locked while it lives. A starting node stops the sessions recorded in every
 * folder whose lock is free (its owner died) and removes it. A record names the session id, its
 * leader's start time and the boot id: one from before a reboot, or whose pid now names another
 * process, stops nothing.
 *
 * <p>The file is a log: {@code + sid start boot} when an attempt starts, {@code - sid} when it
 * ends; two appends per task, no file made or removed. It is rewritten with only the running
 * sessions once it has grown well past them. Nothing is forced to disk: what the page cache holds
 * outlives the node's process, and after a reboot no record counts anyway.
 */
final class SessionRecords implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRecords.class);
  private static final String LOCK = "node.lock";
  private static final String LOG_FILE = "sessions.log";

  /** Folders written by earlier versions: one file per session. */
  private static final String LEGACY_SESSIONS = "sessions";

  /** The log is rewritten when it has this many more lines than running sessions. */
  static final int COMPACT_AFTER = 4096;

  private final Path shared;
  private final Path own;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final String bootId = bootId();
  private final Map<Long, String> running = new HashMap<>();
  private FileChannel log;
  private int lines;
  private boolean warned;

  private SessionRecords(Path shared, Path own, FileChannel lockChannel, FileLock lock)
      throws IOException {
    this.shared = shared;
    this.own = own;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.log = appendTo(own.resolve(LOG_FILE));
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
          FileChannel.open(own.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock != null) {
        return new SessionRecords(dir, own, channel, lock);
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
    Path file = own.resolve(LOG_FILE);
    Path next = own.resolve(LOG_FILE + ".next");
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

  /** The sessions a node's folder records as running: {@code sid start boot} each. */
  static List<String> recorded(Path folder) throws IOException {
    Map<String, String> live = new LinkedHashMap<>();
    Path file = folder.resolve(LOG_FILE);
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
        String[] fields = line.split(" ", -1);
        if (fields.length == 4 && fields[0].equals("+")) {
          live.put(fields[1], line.substring(2));
        } else if (fields.length == 2 && fields[0].equals("-")) {
          live.remove(fields[1]);
        }
      }
    }
    List<String> records = new ArrayList<>(live.values());
    for (Path legacy : list(folder.resolve(LEGACY_SESSIONS))) {
      records.add(Files.readString(legacy, StandardCharsets.US_ASCII).strip());
    }
    return records;
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

  /**
   * Stops every session recorded by nodes of this host that no longer run (this node's earlier life
   * among them), waits until they are gone, and removes their folders. Blocking. Returns how many
   * processes were stopped.
   */
  int stopLeftovers(Duration grace, ScheduledExecutorService timer) throws IOException {
    List<CompletableFuture<Integer>> stopping = new ArrayList<>();
    List<String> records = new ArrayList<>();
    List<Path> dead = new ArrayList<>();
    List<FileChannel> locks = new ArrayList<>();
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(shared, "node-*")) {
      for (Path folder : folders) {
        FileChannel channel = deadNodesLock(folder);
        if (channel != null) {
          locks.add(channel);
          dead.add(folder);
          records.addAll(recorded(folder));
        }
      }
      for (String record : records) {
        String[] fields = record.split(" ", -1);
        if (fields.length == 3 && fields[2].equals(bootId) && isNumber(fields[0], fields[1])) {
          long sid = Long.parseLong(fields[0]);
          stopping.add(ProcessSession.stop(sid, Long.parseLong(fields[1]), grace, timer));
        }
      }
      int stopped = stopping.stream().mapToInt(CompletableFuture::join).sum();
      dead.forEach(SessionRecords::removeQuietly);
      if (!dead.isEmpty()) {
        LOG.info(
            "stopped {} processes left running by nodes of this host that ended without stopping"
                + " them ({} task sessions recorded in {})",
            stopped,
            records.size(),
            shared);
      }
      return stopped;
    } finally {
      for (FileChannel channel : locks) {
        channel.close();
      }
    }
  }

  private static boolean isNumber(String... values) {
    for (String value : values) {
      if (!value.matches("[0-9]{1,18}")) {
        return false;
      }
    }
    return true;
  }

  /** The lock of a folder whose node is gone, now held; null while its node lives. */
  private FileChannel deadNodesLock(Path folder) throws IOException {
    // Nodes of this JVM live (tests run several): and closing a channel to a file that this JVM
    // has locked would drop that lock, so their folders are not even opened.
    if (folder.getFileName().toString().startsWith("node-" + ProcessHandle.current().pid() + "-")) {
      return null;
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      return null; // a node creating it right now
    }
    if (tryLock(channel) == null) {
      channel.close();
      return null;
    }
    return channel;
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held in this JVM
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> files = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        entries.forEach(files::add);
      }
    }
    return files;
  }

  /** Removes a node's folder, its lock file last (while the lock is still held). */
  private static void removeQuietly(Path folder) {
    try {
      for (Path record : list(folder.resolve(LEGACY_SESSIONS))) {
        Files.delete(record);
      }
      Files.deleteIfExists(folder.resolve(LEGACY_SESSIONS));
      Files.deleteIfExists(folder.resolve(LOG_FILE));
      Files.deleteIfExists(folder.resolve(LOG_FILE + ".next"));
      Files.delete(folder.resolve(LOCK));
      Files.delete(folder);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", folder, e.toString());
    }
  }

  /** Releases this node's folder; removes it when no record is left (a clean stop). */
  @Override
  public synchronized void close() {
    try (FileChannel channel = lockChannel) {
      log.close();
      if (running.isEmpty()) {
        removeQuietly(own);
      }
      lock.release();
    } catch (IOException e) {
      LOG.debug("cannot tidy {}: {}", own, e.toString());
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
