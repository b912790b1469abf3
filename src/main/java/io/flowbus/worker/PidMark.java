package io.flowbus.worker;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
  private static final String STAT = "/proc/stat";
  private static final byte[] PROCESSES = "processes ".getBytes(StandardCharsets.US_ASCII);

  /** Pids below this are never given out again after the first wrap (Linux's RESERVED_PIDS). */
  private static final long RESERVED = 300;

  /** Margin for pids taken between reading the last pid and the count. */
  private static final long MARGIN = 1_000;

  /** The mark read last, by any command, and when ({@link System#nanoTime}). */
  private static volatile Taken latest;

  private record Taken(PidMark mark, long at) {}

  /** The mark now, or null when this host does not say (no {@code /proc}, another kernel). */
  static PidMark now(long pidMax) {
    long at = System.nanoTime();
    try {
      long forks = readForks();
      long last = number(LAST_PID);
      if (forks < 0 || pidMax <= 0) {
        return null;
      }
      PidMark mark = new PidMark(last, forks, pidMax);
      latest = new Taken(mark, at);
      return mark;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A mark for a process about to start: the one read last (as a command ended, say) when it is
   * younger than {@code maxAgeNanos}, else one read now. A mark read before a process starts is one
   * for it; an older one only widens the range of pids read when its session is stopped.
   */
  static PidMark recent(long pidMax, long maxAgeNanos) {
    Taken last = latest;
    if (last != null && last.mark.pidMax == pidMax && System.nanoTime() - last.at < maxAgeNanos) {
      return last.mark;
    }
    return now(pidMax);
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
  Range since() {
    PidMark now = now(pidMax);
    if (now == null || now.forks - forks >= pidMax - RESERVED - MARGIN) {
      return null;
    }
    return new Range(lastPid, now.lastPid, pidMax);
  }

  /**
   * The pids given out after {@code after} up to {@code upTo}, in the order of the cycle (wrapped
   * round once when {@code upTo} is below {@code after}).
   */
  record Range(long after, long upTo, long pidMax) implements LongPredicate {
    @Override
    public boolean test(long pid) {
      if (after <= upTo) {
        return pid > after && pid <= upTo;
      }
      return pid > after || pid <= upTo; // wrapped round once
    }

    /** How many pids the range holds. */
    long size() {
      return after <= upTo ? upTo - after : pidMax - 1 - after + upTo;
    }

    /** The pids of the range, first to last. */
    long[] pids() {
      long[] pids = new long[(int) size()];
      long pid = after;
      for (int i = 0; i < pids.length; i++) {
        pid = pid + 1 >= pidMax ? 1 : pid + 1;
        pids[i] = pid;
      }
      return pids;
    }
  }

  /** Read with a stream: Files.readString gets the first byte only of these files. */
  private static long number(String file) throws IOException {
    try (FileInputStream in = new FileInputStream(file)) {
      byte[] text = in.readNBytes(32);
      return digitsAt(text, 0, text.length);
    }
  }

  /** The {@code processes} line of /proc/stat, read as bytes (its other lines are not decoded). */
  private static long readForks() throws IOException {
    byte[] text;
    try (FileInputStream in = new FileInputStream(STAT)) {
      text = in.readAllBytes();
    }
    int at = indexOf(text, PROCESSES);
    return at < 0 ? -1 : digitsAt(text, at + PROCESSES.length, text.length);
  }

  /** Where {@code word} starts a line of {@code text}; -1 if nowhere. */
  private static int indexOf(byte[] text, byte[] word) {
    outer:
    for (int at = 0; at + word.length <= text.length; at++) {
      if (at > 0 && text[at - 1] != '\n') {
        continue;
      }
      for (int i = 0; i < word.length; i++) {
        if (text[at + i] != word[i]) {
          continue outer;
        }
      }
      return at;
    }
    return -1;
  }

  /** The decimal number at {@code from} (after blanks), up to the first other byte. */
  static long digitsAt(byte[] text, int from, int to) {
    int at = from;
    while (at < to && text[at] == ' ') {
      at++;
    }
    int start = at;
    long value = 0;
    while (at < to && text[at] >= '0' && text[at] <= '9' && at - start < 18) {
      value = value * 10 + (text[at++] - '0');
    }
    if (at == start) {
      throw new NumberFormatException("no number at " + from);
    }
    return value;
  }
}
