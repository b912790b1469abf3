package io.flowbus.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Processes of a session as Linux lists them, for tests that check what a task left running. */
public final class Sessions {
  private Sessions() {}

  /** The pids of the live processes (zombies excluded) whose session is {@code sid}. */
  public static List<Long> members(long sid) {
    List<Long> members = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] fields = fields(proc);
        if (fields != null && fields[3].equals(Long.toString(sid)) && !fields[0].equals("Z")) {
          members.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return members;
  }

  /** SIGKILL to every member of the session: what a failed test left must not outlive it. */
  public static void kill(long sid) {
    members(sid).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  /** The fields of {@code /proc/<pid>/stat} after the command name: state, ppid, pgrp, session… */
  private static String[] fields(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
    } catch (IOException e) {
      return null; // gone meanwhile
    }
  }
}
