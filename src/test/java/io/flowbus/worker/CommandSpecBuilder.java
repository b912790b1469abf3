package io.flowbus.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CommandSpec} for tests that says only what differs from the usual: {@code
 * aCommand("sleep", "300").in(dir).logsTo(out, err).timeout(Duration.ofMillis(500)).build()}. By
 * default the process gets this JVM's environment, masks no secret, keeps 1 MB of each log, has no
 * timeout and a stop grace of 5 s.
 */
final class CommandSpecBuilder {
  private final List<String> argv;
  private Path workDir;
  private Map<String, String> environment = new HashMap<>(System.getenv());
  private List<String> secrets = List.of();
  private Path stdout;
  private Path stderr;
  private long logLimit = 1_000_000;
  private Duration timeout;
  private Duration stopGrace = Duration.ofSeconds(5);

  private CommandSpecBuilder(List<String> argv) {
    this.argv = argv;
  }

  static CommandSpecBuilder aCommand(String... argv) {
    return new CommandSpecBuilder(List.of(argv));
  }

  static CommandSpecBuilder aCommand(List<String> argv) {
    return new CommandSpecBuilder(argv);
  }

  CommandSpecBuilder in(Path workDir) {
    this.workDir = workDir;
    return this;
  }

  CommandSpecBuilder logsTo(Path stdout, Path stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
    return this;
  }

  /** The whole environment of the process, in place of this JVM's. */
  CommandSpecBuilder environment(Map<String, String> environment) {
    this.environment = environment;
    return this;
  }

  CommandSpecBuilder secrets(String... secrets) {
    this.secrets = List.of(secrets);
    return this;
  }

  CommandSpecBuilder logLimit(long bytes) {
    this.logLimit = bytes;
    return this;
  }

  CommandSpecBuilder timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  CommandSpecBuilder stopGrace(Duration stopGrace) {
    this.stopGrace = stopGrace;
    return this;
  }

  CommandSpec build() {
    if (workDir == null || stdout == null || stderr == null) {
      throw new IllegalStateException("a command needs in(workDir) and logsTo(stdout, stderr)");
    }
    return new CommandSpec(
        argv, workDir, environment, secrets, stdout, stderr, logLimit, timeout, stopGrace);
  }
}
