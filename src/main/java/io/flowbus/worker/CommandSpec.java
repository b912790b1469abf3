package io.flowbus.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One command to run.
 *
 * @param argv the program (a name looked up on the PATH of {@code environment}) and its arguments
 * @param environment the complete environment of the process
 * @param secrets values shown as {@code ***} in the captured output
 * @param logLimit the most bytes kept of each of stdout and stderr
 * @param timeout null for none
 * @param stopGrace how long a stopped process gets between SIGTERM and SIGKILL
 */
record CommandSpec(
    List<String> argv,
    Path workDir,
    Map<String, String> environment,
    List<String> secrets,
    Path stdout,
    Path stderr,
    long logLimit,
    Duration timeout,
    Duration stopGrace) {

  CommandSpec {
    argv = List.copyOf(argv);
    environment = Map.copyOf(environment);
    secrets = List.copyOf(secrets);
  }
}
