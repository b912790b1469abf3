package io.flowbus.worker;

import io.flowbus.storage.PrivateFiles;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Starts external commands without a shell: the argv goes to the program as it is, so no input
 * value can inject a command. Output is copied into size-capped, masked log files, and the exit
 * awaited, by pooled threads (three per running command, reused from one command to the next).
 */
final class CommandRunner {
  private final ExecutorService pumps;
  private final ScheduledExecutorService timer;

  CommandRunner(ExecutorService pumps, ScheduledExecutorService timer) {
    this.pumps = pumps;
    this.timer = timer;
  }

  /**
   * Starts the command; blocking (a fork takes milliseconds). Throws {@link
   * IllegalArgumentException} when the program cannot be found and {@link IOException} when it
   * cannot be started: the task fails with that message, it never hangs.
   */
  RunningCommand start(CommandSpec spec) throws IOException {
    String path = spec.environment().getOrDefault("PATH", "");
    List<String> argv = new ArrayList<>(spec.argv());
    argv.set(0, ExecutableLookup.find(argv.get(0), spec.workDir(), path));
    PrivateFiles.createDirectories(spec.stdout().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .directory(spec.workDir().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(spec.environment());
    OutputStream stdout = sink(spec.stdout(), spec);
    OutputStream stderr = sink(spec.stderr(), spec);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      stdout.close();
      stderr.close();
      throw new IOException("cannot start '" + spec.argv().get(0) + "': " + reason(e), e);
    }
    CompletableFuture<Void> stdoutDone = new CompletableFuture<>();
    CompletableFuture<Void> stderrDone = new CompletableFuture<>();
    CompletableFuture<Integer> exited = new CompletableFuture<>();
    pumps.execute(() -> RunningCommand.pump(process.getInputStream(), stdout, stdoutDone));
    pumps.execute(() -> RunningCommand.pump(process.getErrorStream(), stderr, stderrDone));
    pumps.execute(() -> RunningCommand.await(process, exited));
    return new RunningCommand(process, spec, stdoutDone, stderrDone, exited, timer, stdout, stderr);
  }

  private static OutputStream sink(Path file, CommandSpec spec) throws IOException {
    return new CappedOutput(
        new BufferedOutputStream(Files.newOutputStream(file)), spec.logLimit(), spec.secrets());
  }

  /** The JDK says "Cannot run program ...: error=13, Permission denied": keep the useful part. */
  private static String reason(IOException e) {
    String message = String.valueOf(e.getMessage());
    int at = message.indexOf("error=");
    return at >= 0 ? message.substring(at) : message;
  }
}
