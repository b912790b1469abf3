package io.flowbus.controller;

import io.flowbus.cluster.OrchestratorRequest.DeleteRun;
import io.flowbus.model.Delivery;
import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.storage.RunStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the runs that ended longer ago than {@code --retention}: at start and once an hour (more
 * often for a retention under an hour), each through the path of {@code DELETE /api/runs/{id}}
 * ({@link RunWrites#delete}), so that journal, logs, secrets, workspace and idempotency key go with
 * it. A run that has not ended is never deleted. A DAMAGED run's end is unknown: it counts as ended
 * when its journal was last written. Runs go in batches whose files are removed off the event loop.
 */
final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  private static final Duration EVERY = Duration.ofHours(1);
  static final int BATCH = 20;

  private final Vertx vertx;
  private final Clock clock;
  private final Duration keep;
  private final Runs runs;
  private final RunStore store;
  private final RunWrites writes;
  private long timer = -1;
  private boolean sweeping;

  /** {@code keep} null keeps every run. */
  Retention(Vertx vertx, Clock clock, Duration keep, Runs runs, RunStore store, RunWrites writes) {
    this.vertx = vertx;
    this.clock = clock;
    this.keep = keep;
    this.runs = runs;
    this.store = store;
    this.writes = writes;
  }

  /** Sweeps now and then periodically, on the orchestrator's context; nothing without retention. */
  void start() {
    if (keep == null) {
      return;
    }
    sweep();
    long every = Math.max(1_000, Math.min(EVERY.toMillis(), keep.toMillis()));
    timer = vertx.setPeriodic(every, t -> sweep());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** Deletes the runs ended before now minus the retention; answers how many went. */
  Future<Integer> sweep() {
    if (keep == null || sweeping) {
      return Future.succeededFuture(0);
    }
    sweeping = true;
    Instant cutoff = clock.instant().minus(keep);
    return expired(cutoff)
        .compose(ids -> deleteFrom(ids, 0, 0, cutoff))
        .onComplete(ar -> sweeping = false)
        .onSuccess(n -> logSwept(n, cutoff))
        .onFailure(
            e -> LOG.error("retention: the sweep for runs ended before {} failed", cutoff, e));
  }

  private static void logSwept(int deleted, Instant cutoff) {
    if (deleted > 0) {
      LOG.info("retention: deleted {} runs that ended before {}", deleted, cutoff);
    }
  }

  /** The ids of the ended runs older than {@code cutoff}; journals are looked at off the loop. */
  private Future<List<String>> expired(Instant cutoff) {
    List<String> ids = new ArrayList<>();
    List<String> undated = new ArrayList<>();
    for (Run run : runs.all()) {
      if (!run.isSettled() || run.deliveries().stream().anyMatch(Delivery::pending)) {
        continue; // not ended, tasks still stopping or notifications still due: next time
      }
      if (run.state() == RunState.DAMAGED || run.endedAt() == null) {
        undated.add(run.id());
      } else if (run.endedAt().isBefore(cutoff)) {
        ids.add(run.id());
      }
    }
    if (undated.isEmpty()) {
      return Future.succeededFuture(ids);
    }
    return vertx
        .executeBlocking(() -> journalsWrittenBefore(undated, cutoff))
        .map(
            old -> {
              ids.addAll(old);
              return ids;
            });
  }

  private List<String> journalsWrittenBefore(List<String> ids, Instant cutoff) {
    List<String> old = new ArrayList<>();
    for (String id : ids) {
      try {
        if (store.lastWritten(id).isBefore(cutoff)) {
          old.add(id);
        }
      } catch (IOException e) {
        LOG.warn("retention: cannot tell when run {} was last written: {}", id, e.toString());
      }
    }
    return old;
  }

  /** Deletes {@code ids} from {@code from} on, one batch at a time; answers how many went. */
  private Future<Integer> deleteFrom(List<String> ids, int from, int deleted, Instant cutoff) {
    if (from >= ids.size()) {
      return Future.succeededFuture(deleted);
    }
    List<Future<Boolean>> batch =
        ids.subList(from, Math.min(from + BATCH, ids.size())).stream()
            .map(id -> delete(id, cutoff))
            .toList();
    return Future.all(batch)
        .compose(
            all -> {
              int gone = (int) batch.stream().filter(Future::result).count();
              return deleteFrom(ids, from + BATCH, deleted + gone, cutoff);
            });
  }

  /** Deletes the run if it is still expired (a retry may have started it again meanwhile). */
  private Future<Boolean> delete(String id, Instant cutoff) {
    Run run = runs.get(id);
    if (run == null || !run.isSettled()) {
      return Future.succeededFuture(false);
    }
    if (run.endedAt() != null
        && run.state() != RunState.DAMAGED
        && !run.endedAt().isBefore(cutoff)) {
      return Future.succeededFuture(false);
    }
    return writes
        .delete(new DeleteRun(id))
        .map(true)
        .otherwise(
            e -> {
              LOG.warn("retention: run {} not deleted this time: {}", id, e.getMessage());
              return false;
            });
  }
}
