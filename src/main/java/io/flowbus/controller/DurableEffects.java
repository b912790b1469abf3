package io.flowbus.controller;

import io.flowbus.model.Changes;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.TaskRun;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  private final Context context;
  private final EventStore store;
  private final Visible visible;
  private final RunWatchers watchers;
  private final JournalRollBack rollBack;
  private final Map<String, PendingWrites> lines = new HashMap<>();
  private Set<PendingWrites> step;
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
    this.rollBack = new JournalRollBack(context, store);
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
    PendingWrites line = lines.computeIfAbsent(run.id(), PendingWrites::new);
    List<JsonObject> messages =
        watchers == null || watchers.watched(run.id(), run.isSettled())
            ? RunEventPublisher.messages(run, event, changes)
            : List.of();
    if (!line.failed()) {
      long seq = line.submit();
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
    PendingWrites line = lines.get(task.runId());
    if (line == null) {
      visible.ready(task);
    } else {
      then(line, () -> readyOnceShown(line, task), e -> {});
    }
  }

  /**
   * As {@link #ready(TaskRun)} for each, held back as one: a fan-out of a million tasks would
   * otherwise hold a million effects until its spawn is written.
   */
  @Override
  public void ready(List<TaskRun> tasks) {
    PendingWrites line = tasks.isEmpty() ? null : lines.get(tasks.get(0).runId());
    if (line == null) {
      tasks.forEach(visible::ready);
    } else {
      then(line, () -> tasks.forEach(task -> readyOnceShown(line, task)), e -> {});
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
    Set<PendingWrites> outer = step;
    Set<PendingWrites> mine = new LinkedHashSet<>();
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
    for (PendingWrites line : mine) {
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
    PendingWrites line = lines.get(runId);
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
    PendingWrites line = lines.get(runId);
    if (line == null) {
      done.run();
    } else {
      then(line, done, e -> {});
    }
  }

  private void then(PendingWrites line, Runnable done, Consumer<Throwable> dropped) {
    line.then(done, dropped);
    tidy(line);
  }

  private void readyOnceShown(PendingWrites line, TaskRun task) {
    if (line.creating != null) {
      line.readyOnceShown.add(task);
    } else {
      visible.ready(task);
    }
  }

  private void show(PendingWrites line) {
    Run run = line.creating;
    if (run != null) {
      line.creating = null;
      visible.created(run);
      line.readyOnceShown.forEach(visible::ready);
      line.readyOnceShown.clear();
    }
  }

  private void written(PendingWrites line, long seq, Throwable failure) {
    if (line.written(seq, failure)) {
      LOG.error(
          "run {}: the journal cannot be written, its changes since are undone: {}",
          line.runId,
          failure.toString());
      visible.frozen(line.runId);
    }
    if (line.startRollBack()) {
      // a run whose creation never became durable is removed entirely
      rollBack
          .undo(line.runId, line.creating == null, line.writtenAfterFailure(), line.failures())
          .onSuccess(undone -> rolledBack(line, undone));
    }
    tidy(line);
  }

  /**
   * The run is held again as its journal holds it: what waited for the failed writes is dropped.
   */
  private void rolledBack(PendingWrites line, JournalRollBack.Undone undone) {
    PendingWrites fresh = new PendingWrites(line.runId, undone.failures());
    lines.put(line.runId, fresh);
    visible.rolledBack(line.runId, undone.run());
    if (undone.run() != null) {
      afterRollBack.accept(undone.run());
    }
    line.dropAll();
    tidy(fresh);
  }

  private void tidy(PendingWrites line) {
    if (line.idle() && lines.get(line.runId) == line) {
      lines.remove(line.runId);
    }
  }
}
