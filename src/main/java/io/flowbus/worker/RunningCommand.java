package io.flowbus.worker;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A started command: its outcome, once it ends, and a way to stop it early. When the command leads
 * a session of its own, the outcome comes only once every process of that session is gone: what the
 * command left running in the background is stopped when it exits.
 */
final class RunningCommand {
  /**
   * How long output pipes may stay open after the process exits (a background child holds them).
   */
  private static final long PIPE_GRACE_MS = 2_000;

  /**
   * How {@code flowbus-session}, {@code setsid}, {@code unshare} and {@code setpriv} say they could
   * not exec a program.
   */
  private static final Pattern LAUNCH_FAILURE =
      Pattern.compile("(?:flowbus-session|setsid|unshare|setpriv): failed to execute .*: ([^:]+)");

  private final Process process;
  private final CommandSpec spec;
  private final TaskSandbox sandbox;
  private final Long leaderStart;
  private final PidMark mark;
  private final ScheduledExecutorService timer;
  private final CompletableFuture<CommandOutcome> outcome = new CompletableFuture<>();
  private final ScheduledFuture<?> timeout;
  private final CappedOutput[] sinks;
  private volatile AttemptState stopState;
  private volatile String stopReason;
  private CompletableFuture<Integer> sessionEnd;

  /**
   * @param leaderStart the start time of the process, which leads a session of its own; null when
   *     it does not
   * @param mark taken before the process started (see {@link PidMark}); null when not known
   */
  RunningCommand(
      Process process,
      CommandSpec spec,
      TaskSandbox sandbox,
      Long leaderStart,
      PidMark mark,
      CommandWatch watch,
      ScheduledExecutorService timer,
      CappedOutput... sinks) {
    this.process = process;
    this.spec = spec;
    this.sandbox = sandbox;
    this.leaderStart = leaderStart;
    this.mark = mark;
    this.timer = timer;
    this.sinks = sinks;
    this.timeout = scheduleTimeout();
    finishWhenEndedAndDrained(watch.drained(), watch.exited());
  }

  private ScheduledFuture<?> scheduleTimeout() {
    if (spec.timeout() == null) {
      return null;
    }
    return timer.schedule(
        () -> stop(AttemptState.FAILED, "timed out after " + Durations.format(spec.timeout())),
        spec.timeout().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void finishWhenEndedAndDrained(
      CompletableFuture<Void> pipesClosed, CompletableFuture<Integer> exited) {
    // A background child may keep the pipes open long after the process exits, and a blocked
    // read cannot be woken: the outcome waits for the pipes to close, or for a grace period after
    // the session is gone (a process that left it may still hold them).
    CompletableFuture<Void> drained = new CompletableFuture<>();
    pipesClosed.thenRun(() -> drained.complete(null));
    CompletableFuture<Void> ended =
        exited
            .thenCompose(
                code -> {
                  if (timeout != null) {
                    timeout.cancel(false);
                  }
                  return endSession();
                })
            .handle(
                (n, e) -> {
                  completeLater(drained);
                  return null;
                });
    CompletableFuture.allOf(ended, drained).whenComplete((v, e) -> finish());
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
    if (leaderStart != null) {
      endSession();
    } else {
      ProcessTree.stop(process.toHandle(), spec.stopGrace(), timer);
    }
  }

  /** Stops what is left of the command's session, once; completes when nothing is. */
  private synchronized CompletableFuture<Integer> endSession() {
    if (sessionEnd == null) {
      sessionEnd =
          leaderStart == null
              ? CompletableFuture.completedFuture(0)
              : ProcessSession.stop(process.pid(), leaderStart, mark, spec.stopGrace(), timer);
    }
    return sessionEnd;
  }

  private void completeLater(CompletableFuture<Void> drained) {
    if (drained.isDone()) {
      return;
    }
    try {
      ScheduledFuture<?> grace =
          timer.schedule(() -> drained.complete(null), PIPE_GRACE_MS, TimeUnit.MILLISECONDS);
      drained.whenComplete((v, e) -> grace.cancel(false));
    } catch (RejectedExecutionException e) {
      drained.complete(null); // the worker is stopping
    }
  }

  private void finish() {
    for (CappedOutput sink : sinks) {
      sink.close();
    }
    closeQuietly(process.getInputStream());
    closeQuietly(process.getErrorStream());
    CommandOutcome ended = describe(process.exitValue());
    String logFailure = logFailure();
    if (logFailure != null) {
      String error = ended.error() == null ? logFailure : ended.error() + "; " + logFailure;
      ended = new CommandOutcome(ended.state(), ended.exitCode(), error);
    }
    outcome.complete(ended);
  }

  private CommandOutcome describe(int code) {
    if (stopReason != null) {
      return new CommandOutcome(stopState, code, stopReason);
    } else if (code == 0) {
      return new CommandOutcome(AttemptState.SUCCEEDED, 0, null);
    }
    String launchFailure = launchFailure(code);
    if (launchFailure != null) {
      return new CommandOutcome(
          AttemptState.FAILED, code, "cannot start '" + spec.argv().get(0) + "': " + launchFailure);
    } else if (code > 128 && code < 128 + 65) {
      return new CommandOutcome(
          AttemptState.FAILED,
          code,
          "exited with code " + code + ": killed by signal " + (code - 128));
    }
    return new CommandOutcome(AttemptState.FAILED, code, "exited with code " + code);
  }

  /**
   * Why the program could not be executed, when a program of the sandbox said so (exit code 126 or
   * 127 and its message first on stderr); null otherwise.
   */
  private String launchFailure(int code) {
    if (!sandbox.wrapped() || (code != 126 && code != 127)) {
      return null;
    }
    try (InputStream in = java.nio.file.Files.newInputStream(spec.stderr())) {
      String head = new String(in.readNBytes(1024), StandardCharsets.UTF_8);
      Matcher m = LAUNCH_FAILURE.matcher(head.lines().findFirst().orElse(""));
      return m.matches() ? ExecErrors.reason(m.group(1).strip()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** "log cut: No space left on device" when a log could not be written completely. */
  private String logFailure() {
    for (CappedOutput sink : sinks) {
      String failure = sink.failure();
      if (failure != null) {
        return "log cut: " + failure;
      }
    }
    return null;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
