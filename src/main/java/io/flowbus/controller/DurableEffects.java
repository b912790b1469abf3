package io.flowbus.controller;

import io.flowbus.model.Changes;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.TaskRun;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back what the coordinator's decisions do outside the run until the events behind them are
 * in the journal: a run becomes visible, an event is published, a task is handed to the dispatcher
 * or stopped, a request is answered only once its events are durable. The coordinator decides on
 * the run in memory at once; if a write fails, every effect still held for that run is dropped and
 * the run is rebuilt from its journal (a run whose creation was not written is removed).
 *
 * <p>Writes of one run complete in the order they were given. Once one fails, later events of the
 * run are not written; those already on their way and written anyway are cut from the journal again
 * before it is replayed, so the journal never holds an event without the ones before it.
 */
final class DurableEffects implements RunCoordinator.Effects {
  private static final Logger LOG = LoggerFactory.getLogger(DurableEffects.class);
  private static final long FIRST_RETRY_MS = 250;
  private static final long MAX_RETRY_MS = 2_000;

  /** The effects, carried out once durable. */
  interface Visible {
    /** The event is in the journal; {@code messages} show the run as the event left it. */
    void durable(Run run, RunEvent event, List<JsonObject> messages);

    void ready(TaskRun task);

    void stop(TaskRun task, String reason);

    /** The run's creation is durable: from now on it exists. */
    void created(Run run);

    /** A write of the run failed: act no more for it until it is rolled back. */
    void frozen(String runId);

    /** The run as its journal holds it after a failed write; null if it no longer exists. */
    void rolledBack(String runId, Run durable);
  }

  private record Effect(long seq, Runnable done, Consumer<Throwable> dropped) {}

  /** The writes of one run on their way, and the effects waiting for them. */
  private static final class Line {
    final String runId;
    final ArrayDeque<Effect> effects = new ArrayDeque<>();
    long submitted;
    long completed;
    long failedAt;
    Throwable failure;
    int writtenAfterFailure;
    int failures;
    boolean rollingBack;
    Run creating;

    /** Tasks ready (durably) while the run is not shown yet: handed out once it is. */
    final List<TaskRun> readyOnceShown = new ArrayList<>();

    Line(String runId) {
      this.runId = runId;
    }

    boolean idle() {
      return failedAt == 0 && completed == submitted && effects.isEmpty() && creating == null;
    }
  }

  private final Context context;
  private final EventStore store;
  private final Visible visible;
  private final RunWatchers watchers;
  private final Map<String, Line> lines = new HashMap<>();
  private Set<Line> step;
  private Consumer<Run> afterRollBack = run -> {};

  /** Publishes the changes of every run (for tests that follow every run). */
  DurableEffects(Context context, EventStore store, Visible visible) {
    this(context, store, visible, null);
  }

  /** Publishes the changes of the runs that {@code watchers} says are followed; all if null. */
  DurableEffects(Context context, EventStore store, Visible visible, RunWatchers watchers) {
    this.watchers = watchers;
    this.context = context;
    this.store = store;
    this.visible = visible;
  }

  /**
   * Runs {@code listener} with the run once it was rolled back to its journal and is held again
   * (not for a run that no longer exists): whoever places its tasks does so again.
   */
  void afterRollBack(Consumer<Run> listener) {
    this.afterRollBack = listener;
  }

  // ---- the coordinator's effects -------------------------------------------------------------

  @Override
  public void recorded(Run run, RunEvent event, Changes changes) {
    Line line = lines.computeIfAbsent(run.id(), Line::new);
    List<JsonObject> messages =
        watchers == null || watchers.watched(run.id())
            ? RunEventPublisher.messages(run, event, changes)
            : List.of();
    if (line.failedAt == 0) {
      long seq = ++line.submitted;
      store
          .record(run, event)
          .whenComplete((v, e) -> context.runOnContext(x -> written(line, seq, e)));
    }
    then(line, () -> visible.durable(run, event, messages), e -> {});
    if (event instanceof RunEvent.Created) {
      line.creating = run;
      if (step == null) {
        then(line, () -> show(line), e -> {});
      }
    }
    if (step != null) {
      step.add(line);
    }
  }

  /**
   * Once durable, and never before its run is shown: the dispatcher drops tasks of unknown runs.
   */
  @Override
  public void ready(TaskRun task) {
    Line line = lines.get(task.runId());
    if (line == null) {
      visible.ready(task);
    } else {
      then(line, () -> readyOnceShown(line, task), e -> {});
    }
  }

  @Override
  public void stop(TaskRun task, String reason) {
    then(task.runId(), () -> visible.stop(task, reason));
  }

  // ---- for the callers ---------------------------------------------------------------------

  /**
   * Runs {@code action}, which drives the coordinator; the future completes with its result once
   * every event it caused is durable (a run it created exists only then), or fails with the reason
   * a write failed, and then nothing of it was carried out.
   */
  <T> Future<T> step(Supplier<T> action) {
    Set<Line> outer = step;
    Set<Line> mine = new LinkedHashSet<>();
    step = mine;
    T result;
    try {
      result = action.get();
    } finally {
      step = outer;
      if (outer != null) {
        outer.addAll(mine);
      }
    }
    Promise<T> promise = Promise.promise();
    int[] left = {mine.size()};
    for (Line line : mine) {
      then(
          line,
          () -> {
            show(line);
            if (--left[0] == 0) {
              promise.tryComplete(result);
            }
          },
          e -> promise.tryFail(new NotWritten(e)));
    }
    if (mine.isEmpty()) {
      promise.complete(result);
    }
    return promise.future();
  }

  /** Whether nothing recorded for the run waits for the journal now. */
  boolean settledNow(String runId) {
    return !lines.containsKey(runId);
  }

  /** Completes once what has been recorded for the run so far is durable or undone. */
  Future<Void> settled(String runId) {
    Line line = lines.get(runId);
    if (line == null) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    then(line, promise::tryComplete, e -> promise.tryComplete());
    return promise.future();
  }

  /** Completes once what has been recorded for any run so far is durable or undone. */
  Future<Void> settled() {
    List<Future<Void>> all = new ArrayList<>();
    List.copyOf(lines.keySet()).forEach(id -> all.add(settled(id)));
    return Future.join(all).mapEmpty();
  }

  // ---- holding effects back ------------------------------------------------------------------

  private void then(String runId, Runnable done) {
    Line line = lines.get(runId);
    if (line == null) {
      done.run();
    } else {
      then(line, done, e -> {});
    }
  }

  private void then(Line line, Runnable done, Consumer<Throwable> dropped) {
    if (line.failedAt == 0 && line.completed == line.submitted && line.effects.isEmpty()) {
      done.run();
    } else {
      line.effects.add(new Effect(line.submitted, done, dropped));
    }
    tidy(line);
  }

  private void readyOnceShown(Line line, TaskRun task) {
    if (line.creating != null) {
      line.readyOnceShown.add(task);
    } else {
      visible.ready(task);
    }
  }

  private void show(Line line) {
    Run run = line.creating;
    if (run != null) {
      line.creating = null;
      visible.created(run);
      line.readyOnceShown.forEach(visible::ready);
      line.readyOnceShown.clear();
    }
  }

  private void written(Line line, long seq, Throwable failure) {
    line.completed = seq;
    if (failure == null && line.failedAt == 0) {
      line.failures = 0;
      while (!line.effects.isEmpty() && line.effects.peek().seq() <= seq) {
        line.effects.poll().done().run();
      }
    } else if (failure == null) {
      line.writtenAfterFailure++;
    } else if (line.failedAt == 0) {
      line.failedAt = seq;
      line.failure = failure;
      line.failures++;
      LOG.error(
          "run {}: the journal cannot be written, its changes since are undone: {}",
          line.runId,
          failure.toString());
      visible.frozen(line.runId);
    }
    if (line.failedAt != 0 && line.completed == line.submitted && !line.rollingBack) {
      line.rollingBack = true;
      if (line.failures <= 1) {
        rollBack(line);
      } else {
        // the rebuilt run failed to write again: the volume is still full, do not spin
        context.owner().setTimer(retryDelay(line.failures - 1), t -> rollBack(line));
      }
    }
    tidy(line);
  }

  /** Brings the journal and the run back to what was written before the failure. */
  private void rollBack(Line line) {
    // a run whose creation never became durable is removed entirely
    boolean exists = line.creating == null;
    CompletableFuture<Run> undone =
        exists
            ? store.rollBack(line.runId, line.writtenAfterFailure)
            : store.delete(line.runId).thenApply(v -> null);
    undone.whenComplete((run, e) -> context.runOnContext(v -> rolledBack(line, run, e)));
  }

  private void rolledBack(Line line, Run run, Throwable failure) {
    if (failure != null) {
      LOG.error("run {}: cannot undo its unwritten changes: {}", line.runId, failure.toString());
      line.failures++;
      context.owner().setTimer(retryDelay(line.failures), t -> rollBack(line));
      return;
    }
    Line fresh = new Line(line.runId);
    fresh.failures = line.failures;
    lines.put(line.runId, fresh);
    LOG.warn(
        "run {}: rolled back to its journal{}",
        line.runId,
        run == null ? ", which holds no run: it does not exist" : "");
    visible.rolledBack(line.runId, run);
    if (run != null) {
      afterRollBack.accept(run);
    }
    line.effects.forEach(effect -> effect.dropped().accept(line.failure));
    tidy(fresh);
  }

  private static long retryDelay(int failures) {
    return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(10, Math.max(0, failures - 1)));
  }

  private void tidy(Line line) {
    if (line.idle() && lines.get(line.runId) == line) {
      lines.remove(line.runId);
    }
  }
}
