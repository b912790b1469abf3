package io.flowbus.worker;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
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

  /** Whether the process still runs: a zombie has ended and only waits to be reaped. */
  boolean alive() {
    return state != 'Z' && state != 'X';
  }

  /**
   * Clock ticks since boot now, less one (so at most the start time of a process started next), on
   * the kernel's fixed user clock of 100 ticks a second; 0 where that cannot be read.
   */
  static long ticksSinceBootFloor() {
    try {
      String uptime = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
      return Math.max(0, (long) (Double.parseDouble(uptime.split(" ")[0]) * 100) - 1);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The process, or null when there is none (or no {@code /proc}). */
  static ProcStat read(long pid) {
    return read(pid, new byte[1024]);
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
   * accepts (all when null).
   */
  static List<ProcStat> session(long sid, LongPredicate candidates) {
    List<ProcStat> members = new ArrayList<>();
    String[] names = new java.io.File("/proc").list();
    if (names == null) {
      return members;
    }
    byte[] buffer = new byte[1024];
    for (String name : names) {
      if (name.isEmpty() || name.charAt(0) < '0' || name.charAt(0) > '9') {
        continue;
      }
      long pid = Long.parseLong(name);
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
