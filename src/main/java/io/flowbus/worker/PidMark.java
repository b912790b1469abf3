package io.flowbus.worker;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongPredicate;

/**
 * The pid that Linux gave out last, and how many processes and threads it had created then: taken
 * before a command starts, it tells which pids can belong to processes started after it, so that
 * finding what a session left behind reads those few entries of {@code /proc}, not every one.
 *
 * <p>Linux gives pids out in a cycle: each new one is the next free number after the last, wrapping
 * round at {@code pid_max}. While fewer pids than the cycle holds have been given out since the
 * mark, every process created after it has a pid in the circular interval (mark, last pid now]. The
 * count of created processes ({@code /proc/stat}, host-wide) is at least the number of pids given
 * out in this namespace, so when it says the cycle may have come round, {@link #since} answers null
 * and the caller reads every process.
 *
 * @param lastPid the last pid given out in this pid namespace ({@code ns_last_pid})
 * @param forks processes and threads created since boot ({@code processes} in {@code /proc/stat})
 * @param pidMax the size of the pid cycle
 */
record PidMark(long lastPid, long forks, long pidMax) {
  private static final String LAST_PID = "/proc/sys/kernel/ns_last_pid";
  private static final String PID_MAX = "/proc/sys/kernel/pid_max";
  private static final Path STAT = Path.of("/proc/stat");

  /** Pids below this are never given out again after the first wrap (Linux's RESERVED_PIDS). */
  private static final long RESERVED = 300;

  /** Margin for pids taken between reading the last pid and the count. */
  private static final long MARGIN = 1_000;

  /** The mark now, or null when this host does not say (no {@code /proc}, another kernel). */
  static PidMark now(long pidMax) {
    try {
      long forks = readForks();
      long last = number(LAST_PID);
      return forks < 0 || pidMax <= 0 ? null : new PidMark(last, forks, pidMax);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The size of this host's pid cycle, or 0 when it cannot be read. */
  static long hostPidMax() {
    try {
      return number(PID_MAX);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * Which pids may belong to processes created after this mark and still alive, or null when that
   * cannot be told (the pid cycle may have come round since, or the host does not say).
   */
  LongPredicate since() {
    PidMark now = now(pidMax);
    if (now == null || now.forks - forks >= pidMax - RESERVED - MARGIN) {
      return null;
    }
    long from = lastPid;
    long to = now.lastPid;
    if (from <= to) {
      return pid -> pid > from && pid <= to;
    }
    return pid -> pid > from || pid <= to; // wrapped round once
  }

  /** Read with a stream: Files.readString gets the first byte only of these files. */
  private static long number(String file) throws IOException {
    try (FileInputStream in = new FileInputStream(file)) {
      return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim());
    }
  }

  private static long readForks() throws IOException {
    for (String line : Files.readAllLines(STAT)) {
      if (line.startsWith("processes ")) {
        return Long.parseLong(line.substring("processes ".length()).trim());
      }
    }
    return -1;
  }
}
