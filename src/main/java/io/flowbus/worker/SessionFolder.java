package io.flowbus.worker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node's folder of session records holds, and the one place that reads and removes one: a
 * lock file held while the node lives, and the log of its sessions ({@code + sid start boot} when
 * an attempt starts, {@code - sid} when it ends), or a file per session in folders of earlier
 * versions.
 */
final class SessionFolder {
  private static final Logger LOG = LoggerFactory.getLogger(SessionFolder.class);
  static final String LOCK = "node.lock";
  static final String LOG_FILE = "sessions.log";

  /** Folders written by earlier versions: one file per session. */
  private static final String LEGACY_SESSIONS = "sessions";

  private SessionFolder() {}

  /** The sessions a node's folder records as running: {@code sid start boot} each. */
  static List<String> recorded(Path folder) throws IOException {
    Map<String, String> live = new LinkedHashMap<>();
    Path file = folder.resolve(LOG_FILE);
    if (Files.exists(file)) {
      // read so that no byte fails it: a line that is not a record is skipped, not the folder
      for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
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

  /** Removes a node's folder, its lock file last (while the lock is still held). */
  static void removeQuietly(Path folder) {
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

  /** The lock of a folder, now held; null if a process holds it, this JVM among them. */
  static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held in this JVM
    }
  }

  /** This boot of the host: a record of another boot names no process that still runs. */
  static String bootId() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
    } catch (IOException e) {
      return "unknown";
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
}
