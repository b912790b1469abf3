package io.flowbus.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a started process and copies its stdout and stderr into their logs, on as few pooled
 * threads as the process needs. A task in PID namespaces of its own ends whole: when the process
 * the node started exits, nothing of the task is left to write to its pipes. Most such tasks end
 * within milliseconds: one thread waits for the exit and then reads what the pipes hold (at most a
 * pipe's capacity each, which the JDK moves into memory when the process exits). A process still
 * running after {@link #QUICK} gets two more threads that copy its pipes while it runs, so a pipe
 * is never full for longer than that.
 *
 * <p>Without namespaces, what a task leaves running may still write once its leader has exited
 * (while it is being stopped, say): its pipes get threads at once, that read until every writer is
 * gone, since the JDK closes a pipe that no one reads when the process exits.
 *
 * <p>The exit is told as soon as it is known, before any output is read: a background child that
 * holds a pipe open must not keep its session from being stopped.
 */
final class CommandWatch {
  /** How long a process may run before its pipes get threads of their own. */
  static final Duration QUICK = Duration.ofMillis(10);

  private final Process process;
  private final OutputStream stdout;
  private final OutputStream stderr;
  private final CompletableFuture<Void> stdoutDone = new CompletableFuture<>();
  private final CompletableFuture<Void> stderrDone = new CompletableFuture<>();
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  private final long quickNanos;

  /**
   * @param quick how long the process may run before its pipes get threads of their own ({@link
   *     #QUICK}, for a task that ends whole with the process); {@link Duration#ZERO}: at once
   */
  CommandWatch(Process process, OutputStream stdout, OutputStream stderr, Duration quick) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    this.quickNanos = quick.toNanos();
  }

  /** Starts watching on a thread of {@code pool}. */
  void start(ExecutorService pool) {
    pool.execute(() -> watch(pool));
  }

  /** Completes with the exit code when the process ends. */
  CompletableFuture<Integer> exited() {
    return exited;
  }

  /** Completes when the process's stdout and stderr are closed and copied. */
  CompletableFuture<Void> drained() {
    return CompletableFuture.allOf(stdoutDone, stderrDone);
  }

  /**
   * Watches on this thread until the exit is known and this thread's share of the output is copied;
   * the pipes get threads of {@code pool} when the process needs them.
   */
  void watch(ExecutorService pool) {
    if (quickNanos > 0 && endsQuickly()) {
      exited.complete(process.exitValue());
      pump(process.getInputStream(), stdout, stdoutDone);
      pump(process.getErrorStream(), stderr, stderrDone);
      return;
    }
    boolean outPumped = pumpOn(pool, process.getInputStream(), stdout, stdoutDone);
    boolean errPumped = pumpOn(pool, process.getErrorStream(), stderr, stderrDone);
    awaitExit();
    if (!outPumped) {
      pump(process.getInputStream(), stdout, stdoutDone);
    }
    if (!errPumped) {
      pump(process.getErrorStream(), stderr, stderrDone);
    }
  }

  /** Copies the stream on a thread of its own; false when the pool takes no more (it stops). */
  private static boolean pumpOn(
      ExecutorService pool, InputStream in, OutputStream sink, CompletableFuture<Void> done) {
    try {
      pool.execute(() -> pump(in, sink, done));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private boolean endsQuickly() {
    try {
      return process.waitFor(quickNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      return !process.isAlive();
    }
  }

  /**
   * Waits for the exit. (Process.onExit() would start a new thread for every process where the
   * common pool has one thread, as on a 2-core machine: measured, that thread was most of the
   * engine's CPU per task.)
   */
  private void awaitExit() {
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

  /**
   * Copies one stream of the process into its sink until the process closes it. The sink never
   * fails a write for want of space, so the pipe is drained to its end.
   */
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
}
