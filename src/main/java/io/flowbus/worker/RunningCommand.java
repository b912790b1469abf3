package io.flowbus.worker;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A started command: its outcome, once it ends, and a way to stop it early. */
final class RunningCommand {
  /**
   * How long output pipes may stay open after the process exits (a background child holds them).
   */
  private static final long PIPE_GRACE_MS = 2_000;

  private final Process process;
  private final CommandSpec spec;
  private final ScheduledExecutorService timer;
  private final CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
  private final ScheduledFuture<?> timeout;
  private volatile AttemptState stopState;
  private volatile String stopReason;

  private final OutputStream[] sinks;

  RunningCommand(
      Process process,
      CommandSpec spec,
      CompletableFuture<Void> stdoutDone,
      CompletableFuture<Void> stderrDone,
      CompletableFuture<Integer> exited,
      ScheduledExecutorService timer,
      OutputStream... sinks) {
    this.process = process;
    this.spec = spec;
    this.timer = timer;
    this.sinks = sinks;
    this.timeout =
        spec.timeout() == null
            ? null
            : timer.schedule(
                () ->
                    stop(
                        AttemptState.FAILED, "timed out after " + Durations.format(spec.timeout())),
                spec.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
    // A background child may keep the pipes open long after the process exits, and a blocked
    // read cannot be woken: the outcome waits for the pipes to close, or for a grace period.
    CompletableFuture<Void> drained = new CompletableFuture<>();
    CompletableFuture.allOf(stdoutDone, stderrDone).thenRun(() -> drained.complete(null));
    exited.thenRun(
        () -> {
          if (timeout != null) {
            timeout.cancel(false);
          }
          timer.schedule(() -> drained.complete(null), PIPE_GRACE_MS, TimeUnit.MILLISECONDS);
        });
    exited.thenCombine(drained, (code, v) -> code).whenComplete((code, e) -> finish());
  }

  CompletableFuture<CommandOutcome> outcome() {
    return outcome;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Stops the whole process tree; the outcome becomes {@code state} with {@code reason}. The first
   * stop wins: a timeout after a cancel is still a cancel.
   */
  synchronized void stop(AttemptState state, String reason) {
    if (stopReason != null || !process.isAlive()) {
      return;
    }
    stopState = state;
    stopReason = reason;
    ProcessTree.stop(process.toHandle(), spec.stopGrace(), timer);
  }

  private void finish() {
    for (OutputStream sink : sinks) {
      try {
        sink.close();
      } catch (IOException e) {
        // the log is as complete as it could be written
      }
    }
    closeQuietly(process.getInputStream());
    closeQuietly(process.getErrorStream());
    int code = process.exitValue();
    if (stopReason != null) {
      outcome.complete(new CommandOutcome(stopState, code, stopReason));
    } else if (code == 0) {
      outcome.complete(new CommandOutcome(AttemptState.SUCCEEDED, 0, null));
    } else if (code > 128 && code < 128 + 65) {
      outcome.complete(
          new CommandOutcome(
              AttemptState.FAILED,
              code,
              "exited with code " + code + ": killed by signal " + (code - 128)));
    } else {
      outcome.complete(new CommandOutcome(AttemptState.FAILED, code, "exited with code " + code));
    }
  }

  /**
   * Waits for the process on a pooled thread. (Process.onExit() would start a new thread for every
   * process where the common pool has one thread, as on a 2-core machine: measured, that thread was
   * most of the engine's CPU per task.)
   */
  static void await(Process process, CompletableFuture<Integer> exited) {
    while (true) {
      try {
        exited.complete(process.waitFor());
        return;
      } catch (InterruptedException e) {
        if (!process.isAlive()) {
          exited.complete(process.exitValue());
          return;
        }
      }
    }
  }

  /** Copies one stream of the process into its sink until the process closes it. */
  static void pump(InputStream in, OutputStream sink, CompletableFuture<Void> done) {
    byte[] buffer = new byte[8192];
    try (in;
        sink) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sink.write(buffer, 0, n);
        sink.flush();
      }
    } catch (IOException e) {
      // the stream was closed after the process exited: what was read is kept
    } finally {
      done.complete(null);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
