package io.flowbus.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A user of this host that tasks may run as, with its numeric ids. */
record TaskUser(String name, int uid, int gid) {

  /** The user named {@code name}, or an {@link IllegalArgumentException} when there is none. */
  static TaskUser lookup(String name) {
    if (name.isBlank() || name.startsWith("-")) {
      throw new IllegalArgumentException("--task-user: '" + name + "' is not a user name");
    }
    try {
      return new TaskUser(
          name,
          Integer.parseInt(run(List.of("id", "-u", name)).strip()),
          Integer.parseInt(run(List.of("id", "-g", name)).strip()));
    } catch (IOException | NumberFormatException e) {
      throw new IllegalArgumentException("--task-user: no user '" + name + "' on this host", e);
    }
  }

  /** The real uid of this JVM, from {@code /proc/self/status}; -1 where there is none. */
  static int ownUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Integer.parseInt(line.substring(4).strip().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }

  /**
   * The supplementary groups of this user ({@code id -G}), as {@code setpriv --init-groups} sets
   * them; an {@link IOException} when they cannot be told.
   */
  List<Integer> groups() throws IOException {
    List<Integer> groups = new ArrayList<>();
    try {
      for (String id : run(List.of("id", "-G", name)).strip().split("\\s+")) {
        groups.add(Integer.parseUnsignedInt(id));
      }
    } catch (NumberFormatException e) {
      throw new IOException("id -G " + name + ": " + e.getMessage(), e);
    }
    return groups;
  }

  /** {@code setpriv} options that make the next program of the chain run as this user. */
  List<String> setpriv(String setprivPath) {
    return List.of(setprivPath, "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--");
  }

  /** Whether this user can search {@code dir} (and so every folder above it). */
  boolean canReach(String setprivPath, Path dir) {
    List<String> probe = new ArrayList<>(setpriv(setprivPath));
    probe.addAll(List.of("test", "-x", dir.toString()));
    try {
      run(probe);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Runs a short command; its stdout, or an {@link IOException} unless it exits with 0. */
  static String run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      process.destroyForcibly();
    }
  }
}
