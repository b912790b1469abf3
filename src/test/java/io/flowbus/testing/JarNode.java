package io.flowbus.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** {@code java -jar target/flowbus.jar} as a separate process, as a user starts it. */
public final class JarNode implements AutoCloseable {
  /** How long {@link #run} waits for the jar to exit: generous, for a loaded CI machine. */
  public static final Duration RUN_LIMIT = Duration.ofSeconds(180);

  private final Process process;
  private final String host;
  private final int port;
  private final Path log;

  private JarNode(Process process, String host, int port, Path log) {
    this.process = process;
    this.host = host;
    this.port = port;
    this.log = log;
  }

  public static Path jar() {
    return Path.of(System.getProperty("flowbus.jar", "target/flowbus.jar")).toAbsolutePath();
  }

  /** Starts a node; {@code args} are flags after the jar, {@code env} adds variables. */
  public static JarNode start(Path workDir, int port, List<String> args, Map<String, String> env) {
    return start(workDir, List.of(), "127.0.0.1", port, args, env);
  }

  /**
   * Starts a node behind {@code prefix} (such as {@code ip netns exec ns}), reachable at {@code
   * host}.
   */
  public static JarNode start(
      Path workDir,
      List<String> prefix,
      String host,
      int port,
      List<String> args,
      Map<String, String> env) {
    List<String> flags = new ArrayList<>(List.of("--port", Integer.toString(port)));
    flags.addAll(args);
    return launch(workDir, prefix, host, port, flags, env);
  }

  /** Starts a node whose port is not a flag but set by {@code args} or {@code env} otherwise. */
  public static JarNode startWithPortElsewhere(
      Path workDir, int port, List<String> args, Map<String, String> env) {
    return launch(workDir, List.of(), "127.0.0.1", port, args, env);
  }

  private static JarNode launch(
      Path workDir,
      List<String> prefix,
      String host,
      int port,
      List<String> args,
      Map<String, String> env) {
    List<String> command = new ArrayList<>(prefix);
    // as bin/flowbus starts a node: C1 only (README "Speed")
    command.addAll(
        List.of(javaBin(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString()));
    command.addAll(args);
    try {
      Files.createDirectories(workDir);
      Path log = Files.createTempFile(workDir, "node-" + host + "-" + port + "-", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Map<String, String> environment = new HashMap<>(env);
      builder.environment().putAll(environment);
      return new JarNode(builder.start(), host, port, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the jar to its end (for --help or bad settings) and returns exit code and output. */
  public static Result run(Path workDir, List<String> args) {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jar().toString()));
    command.addAll(args);
    return runToEnd(workDir, command);
  }

  /**
   * Runs the jar to its end in a pseudo-terminal, as from a shell in a terminal window: {@code
   * script} (util-linux) gives it one and answers its exit code. Output as the terminal got it.
   */
  public static Result runInTerminal(Path workDir, List<String> args) {
    StringBuilder line = new StringBuilder(quote(javaBin()) + " -jar " + quote(jar().toString()));
    args.forEach(a -> line.append(' ').append(quote(a)));
    return runToEnd(workDir, List.of("script", "-qfec", line.toString(), "/dev/null"));
  }

  /**
   * Like {@link #runInTerminal}, from an interactive shell whose standard output is piped through
   * {@code cat} into {@code outFile} (in {@code workDir}).
   */
  public static Result runInTerminalPiped(Path workDir, List<String> args, String outFile) {
    StringBuilder line = new StringBuilder(quote(javaBin()) + " -jar " + quote(jar().toString()));
    args.forEach(a -> line.append(' ').append(quote(a)));
    line.append(" | cat > ").append(quote(outFile));
    return runToEnd(workDir, List.of("script", "-qfec", line.toString(), "/dev/null"));
  }

  /** Whether {@link #runInTerminal} can run here. */
  public static boolean canRunInTerminal() {
    return Files.isExecutable(Path.of("/usr/bin/script"));
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /**
   * Runs {@code command} to its end, at most {@link #RUN_LIMIT}: its output is read on a thread of
   * its own, so that a process that never ends fails the test with what it printed.
   */
  private static Result runToEnd(Path workDir, List<String> command) {
    try {
      Files.createDirectories(workDir);
      Process p =
          new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Thread reader =
          new Thread(
              () -> {
                try (InputStream in = p.getInputStream()) {
                  in.transferTo(out);
                } catch (IOException e) {
                  // the process is gone: its output ends here
                }
              });
      reader.start();
      if (!p.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        reader.join(Duration.ofSeconds(10).toMillis());
        throw new IllegalStateException(
            "the jar did not exit within " + RUN_LIMIT + ": " + command + "\n" + text(out));
      }
      reader.join();
      return new Result(p.exitValue(), text(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String text(ByteArrayOutputStream out) {
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** How a finished process ended. */
  public record Result(int exitCode, String output) {}

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Waits until the node answers {@code /ready}; fails at once if it exits first, with its exit
   * code and what it printed by then.
   */
  public JarNode awaitReady() {
    Http http = http();
    try {
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .failFast("the node exited", () -> !process.isAlive())
          .until(() -> http.get("/ready").status() == 200);
    } catch (TerminalFailureException | ConditionTimeoutException e) {
      String state = process.isAlive() ? "is not ready" : "exited with " + process.exitValue();
      AssertionError failure =
          new AssertionError("the node on port " + port + " " + state + ":\n" + output(), e);
      try {
        close(); // not left running for the rest of the suite
      } catch (RuntimeException notStopped) {
        failure.addSuppressed(notStopped);
      }
      throw failure;
    }
    return this;
  }

  public Http http() {
    return new Http("http://" + host + ":" + port);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * kill -9 of the node and of its tasks: no drain, no goodbye. The node is stopped (SIGSTOP)
   * before its tasks are listed, so that it starts none after, and dies before them, so that it
   * never sees its tasks killed and reports them failed.
   */
  public void kill() {
    signal("STOP");
    List<ProcessHandle> tasks = process.toHandle().descendants().toList();
    process.destroyForcibly();
    tasks.forEach(ProcessHandle::destroyForcibly);
    waitFor(Duration.ofSeconds(30));
  }

  private void signal(String name) {
    try {
      new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    } catch (IOException e) {
      // no kill(1): the node is killed all the same, only without the stop before
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * kill -9 of the node's JVM alone, as a crash or the OOM killer does: the processes of its tasks
   * are left running (unlike {@link #kill()}, which takes them down too).
   */
  public void crash() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
  }

  /** SIGTERM, as docker stop and Kubernetes send. */
  public void terminate() {
    process.destroy();
  }

  public int waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("node on port " + port + " did not exit");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  public static String pathOf(Path p) {
    return p.toAbsolutePath().toString().replace(File.separatorChar, '/');
  }
}
