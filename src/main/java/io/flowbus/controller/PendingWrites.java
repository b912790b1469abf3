package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.TaskRun;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The journal writes of one run on their way, and the effects waiting for them: an effect is
 * carried out once every write submitted before it completed, in the order the effects were given.
 * After a failed write, no effect is carried out any more: they are dropped once the run is rolled
 * back.
 */
final class PendingWrites {
  private record Effect(long seq, Runnable done, Consumer<Throwable> dropped) {}

  final String runId;
  private final ArrayDeque<Effect> effects = new ArrayDeque<>();
  private long submitted;
  private long completed;
  private long failedAt;
  private Throwable failure;
  private int writtenAfterFailure;
  private int failures;
  private boolean rollingBack;

  /** The run whose creation is not shown yet; null once it is (or when it was created before). */
  Run creating;

  /** Tasks ready (durably) while the run is not shown yet: handed out once it is. */
  final List<TaskRun> readyOnceShown = new ArrayList<>();

  PendingWrites(String runId) {
    this(runId, 0);
  }

  /** The writes of a run rolled back after {@code failures} failed writes in a row. */
  PendingWrites(String runId, int failures) {
    this.runId = runId;
    this.failures = failures;
  }

  /** Whether a write of the run failed: later events of the run are not written. */
  boolean failed() {
    return failedAt != 0;
  }

  /** Takes one more write on its way; returns its number. */
  long submit() {
    return ++submitted;
  }

  /**
   * Carries out {@code done} now if nothing waits, else once what was submitted so far is durable.
   */
  void then(Runnable done, Consumer<Throwable> dropped) {
    if (failedAt == 0 && completed == submitted && effects.isEmpty()) {
      done.run();
    } else {
      effects.add(new Effect(submitted, done, dropped));
    }
  }

  /**
   * Write {@code seq} completed, with {@code failure} if it failed; carries out the effects it
   * held. Returns true if it is the first write of the run to fail.
   */
  boolean written(long seq, Throwable failure) {
    completed = seq;
    if (failure == null && failedAt == 0) {
      failures = 0;
      while (!effects.isEmpty() && effects.peek().seq() <= seq) {
        effects.poll().done().run();
      }
    } else if (failure == null) {
      writtenAfterFailure++;
    } else if (failedAt == 0) {
      failedAt = seq;
      this.failure = failure;
      failures++;
      return true;
    }
    return false;
  }

  /** Whether the run is to be rolled back now: a write failed and none is on its way (once). */
  boolean startRollBack() {
    if (failedAt != 0 && completed == submitted && !rollingBack) {
      rollingBack = true;
      return true;
    }
    return false;
  }

  /** How many of the writes after the failed one reached the journal anyway. */
  int writtenAfterFailure() {
    return writtenAfterFailure;
  }

  /** How many writes failed in a row, counting the roll-backs before. */
  int failures() {
    return failures;
  }

  /** The run was rolled back: each effect still held learns why it will never be carried out. */
  void dropAll() {
    effects.forEach(effect -> effect.dropped().accept(failure));
  }

  boolean idle() {
    return failedAt == 0 && completed == submitted && effects.isEmpty() && creating == null;
  }
}
