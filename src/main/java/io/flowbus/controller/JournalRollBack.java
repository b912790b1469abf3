package io.flowbus.controller;

import io.flowbus.model.Run;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a run's journal, and with it the run, back to what was written before a write failed;
 * while that fails too (the volume is still full), it tries again after a pause that grows to 2 s.
 */
final class JournalRollBack {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRollBack.class);
  private static final long FIRST_RETRY_MS = 250;
  private static final long MAX_RETRY_MS = 2_000;

  /**
   * @param run the run as its journal holds it; null if it no longer exists
   * @param failures how many writes and roll-backs of the run failed in a row
   */
  record Undone(Run run, int failures) {}

  private final Context context;
  private final EventStore store;

  JournalRollBack(Context context, EventStore store) {
    this.context = context;
    this.store = store;
  }

  /**
   * Rolls the run back; completes on the context once it is.
   *
   * @param exists false for a run whose creation never became durable: it is removed entirely
   * @param writtenAfterFailure how many events reached the journal after the failed one
   * @param failures the writes that failed in a row: from the second on, it waits before it starts
   *     (the rebuilt run failed to write again: the volume is still full, do not spin)
   */
  Future<Undone> undo(String runId, boolean exists, int writtenAfterFailure, int failures) {
    Job job = new Job(runId, exists, writtenAfterFailure, Promise.promise());
    if (failures <= 1) {
      attempt(job, failures);
    } else {
      context.owner().setTimer(retryDelay(failures - 1), t -> attempt(job, failures));
    }
    return job.promise().future();
  }

  /** One roll-back, through all its attempts. */
  private record Job(
      String runId, boolean exists, int writtenAfterFailure, Promise<Undone> promise) {}

  private void attempt(Job job, int failures) {
    CompletableFuture<Run> undone =
        job.exists()
            ? store.rollBack(job.runId(), job.writtenAfterFailure())
            : store.delete(job.runId()).thenApply(v -> null);
    undone.whenComplete((run, e) -> context.runOnContext(v -> attempted(job, failures, run, e)));
  }

  private void attempted(Job job, int failures, Run run, Throwable failure) {
    if (failure != null) {
      LOG.error("run {}: cannot undo its unwritten changes: {}", job.runId(), failure.toString());
      int more = failures + 1;
      context.owner().setTimer(retryDelay(more), t -> attempt(job, more));
      return;
    }
    LOG.warn(
        "run {}: rolled back to its journal{}",
        job.runId(),
        run == null ? ", which holds no run: it does not exist" : "");
    job.promise().complete(new Undone(run, failures));
  }

  private static long retryDelay(int failures) {
    return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(10, Math.max(0, failures - 1)));
  }
}
