package io.flowbus.worker;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * What Linux says about a process in {@code /proc/<pid>/stat}: its state (field 3), session (field
 * 6) and start time in clock ticks since boot (field 22), which tells a process from a later one
 * that got the same pid.
 */
record ProcStat(long pid, char state, long session, long startTime) {
  private static final int SESSION = 3;
  private static final int START_TIME = 19;

  /**
   * Up to how many pids given out since a mark are looked up one by one, rather than by listing
   * {@code /proc}, when looking for what a session left.
   */
  private static final int PROBE_LIMIT = 64;

  private static final long BOOT_OFFSET = bootOffset();

  /** Whether the process still runs: a zombie has ended and only waits to be reaped. */
  boolean alive() {
    return state != 'Z' && state != 'X';
  }

  /**
   * Clock ticks since boot now, less one (so at most the start time of a process started next), on
   * the kernel's fixed user clock of 100 ticks a second; 0 where that cannot be read. Told from the
   * JVM's monotonic clock and its distance to the time since boot, read once: that distance only
   * grows (a suspend), so the floor stays a floor, and no file is read per command.
   */
  static long ticksSinceBootFloor() {
    return BOOT_OFFSET == Long.MIN_VALUE ? 0 : Math.max(0, monotonicTicks() + BOOT_OFFSET);
  }

  private static long monotonicTicks() {
    return System.nanoTime() / 10_000_000;
  }

  /** Ticks since boot less monotonic ticks, at most (one less, for the rounding of each). */
  private static long bootOffset() {
    try (FileInputStream in = new FileInputStream("/proc/uptime")) {
      byte[] text = in.readNBytes(64); // "12345.67 23456.78"
      int dot = 0;
      while (dot < text.length && text[dot] != '.') {
        dot++;
      }
      long seconds = PidMark.digitsAt(text, 0, dot);
      long hundredths = PidMark.digitsAt(text, dot + 1, Math.min(dot + 3, text.length));
      return seconds * 100 + hundredths - monotonicTicks() - 1;
    } catch (IOException | RuntimeException e) {
      return Long.MIN_VALUE;
    }
  }

  /** The process, or null when there is none (or no {@code /proc}). */
  static ProcStat read(long pid) {
    return read(pid, new byte[1024]);
  }

  /**
   * As {@link #read(long)}, for a process that is likely gone (a session's leader once its command
   * ended): looked up first, so that its absence costs no exception. Reading a missing process
   * throws a {@code FileNotFoundException}, stack trace and all, which was about a fifth of what
   * the worker spent per command on finding what a session left.
   */
  static ProcStat readIfPresent(long pid) {
    return new java.io.File("/proc/" + pid).exists() ? read(pid) : null;
  }

  /**
   * The processes of session {@code sid} that still run. Reads every {@code /proc/<pid>/stat}:
   * about 8 µs a process, under a millisecond on a host with a hundred.
   */
  static List<ProcStat> session(long sid) {
    return session(sid, null);
  }

  /**
   * The processes of session {@code sid} that still run, among the pids that {@code candidates}
   * accepts (all when null). A short {@link PidMark.Range} is looked up pid by pid first: the usual
   * answer, none, then costs no listing of {@code /proc}.
   */
  static List<ProcStat> session(long sid, LongPredicate candidates) {
    if (candidates instanceof PidMark.Range range
        && range.size() <= PROBE_LIMIT
        && !anyInSession(sid, range)) {
      return List.of();
    }
    List<ProcStat> members = new ArrayList<>();
    byte[] buffer = new byte[1024];
    for (long pid : pids()) {
      if (candidates != null && !candidates.test(pid)) {
        continue;
      }
      ProcStat stat = read(pid, buffer);
      if (stat != null && stat.session == sid && stat.alive()) {
        members.add(stat);
      }
    }
    return members;
  }

  /** The pids of the processes {@code /proc} lists now (none if it cannot be read). */
  static long[] pids() {
    String[] names = new java.io.File("/proc").list();
    if (names == null) {
      return new long[0];
    }
    long[] pids = new long[names.length];
    int n = 0;
    for (String name : names) {
      // a pid's folder: its name is digits (the others, such as "self", start with a letter)
      if (!name.isEmpty() && name.charAt(0) >= '0' && name.charAt(0) <= '9') {
        pids[n++] = Long.parseLong(name);
      }
    }
    return Arrays.copyOf(pids, n);
  }

  /**
   * Whether a live process or thread of session {@code sid} has a pid in {@code range}: each pid of
   * the range looked up, none listed. A thread's pid is not listed in {@code /proc}, though it can
   * be read: so only a "no" is final, and a "yes" is followed by the listing.
   */
  private static boolean anyInSession(long sid, PidMark.Range range) {
    byte[] buffer = new byte[1024];
    for (long pid : range.pids()) {
      if (new java.io.File("/proc/" + pid).exists()) { // no exception for the many that are gone
        ProcStat stat = read(pid, buffer);
        if (stat != null && stat.session == sid && stat.alive()) {
          return true;
        }
      }
    }
    return false;
  }

  private static ProcStat read(long pid, byte[] buffer) {
    int length;
    try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
      length = in.readNBytes(buffer, 0, buffer.length);
    } catch (IOException e) {
      return null; // gone, or never was
    }
    // the command name (field 2) is in parentheses and may hold spaces and parentheses itself
    int at = length - 1;
    while (at > 0 && buffer[at] != ')') {
      at--;
    }
    if (at <= 0 || at + 2 >= length) {
      return null;
    }
    char state = (char) buffer[at + 2];
    long session = -1;
    long startTime = -1;
    int field = 0;
    long value = 0;
    for (int i = at + 4; i < length && field < START_TIME; i++) {
      byte b = buffer[i];
      if (b == ' ') {
        field++;
        if (field == SESSION) {
          session = value;
        } else if (field == START_TIME) {
          startTime = value;
        }
        value = 0;
      } else {
        value = value * 10 + (b - '0');
      }
    }
    return new ProcStat(pid, state, session, startTime);
  }
}
