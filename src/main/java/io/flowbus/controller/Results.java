package io.flowbus.controller;

import io.flowbus.cluster.Problems;
import io.flowbus.cluster.ResultBatch;
import io.flowbus.cluster.TaskResult;
import io.flowbus.controller.BatchAnswers.Delivered;
import io.flowbus.model.AttemptKey;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskKind;
import io.flowbus.model.TaskRun;
import io.flowbus.storage.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in the results workers send, in batches, each answered in its place: a result of the
 * current attempt is applied and acknowledged once what it changed is in the journal; if that fails
 * it is refused (503), and the worker keeps it and sends it again. A result of an attempt given up
 * is acknowledged without being applied.
 *
 * <p>One failure path: whatever else goes wrong while taking a result in is logged once, here, with
 * a reference, and answered as a permanent failure (500): sending it again would fail again, so the
 * worker drops it (and logs the reference) instead of sending it forever.
 *
 * <p>A result may arrive before the worker's answer to its assignment (they travel apart); it is
 * applied all the same ({@link Dispatcher#resultBeforeAnswer}): nothing here relies on the order in
 * which the event bus delivers the two.
 */
final class Results {
  private static final Logger LOG = LoggerFactory.getLogger(Results.class);

  private final Vertx vertx;
  private final Runs runs;
  private final RunStore store;
  private final DurableEffects durable;
  private final RunCoordinator coordinator;
  private final Dispatcher dispatcher;

  /** Results that came while the orchestrator took over; null once it has. */
  private List<Delivered> early = new ArrayList<>();

  Results(
      Vertx vertx,
      Runs runs,
      RunStore store,
      DurableEffects durable,
      RunCoordinator coordinator,
      Dispatcher dispatcher) {
    this.vertx = vertx;
    this.runs = runs;
    this.store = store;
    this.durable = durable;
    this.coordinator = coordinator;
    this.dispatcher = dispatcher;
  }

  /** Takes in each result of the batch; the batch is answered once every result is. */
  void handle(Message<ResultBatch> message) {
    List<Delivered> results;
    try {
      results = BatchAnswers.of(message);
    } catch (RuntimeException e) {
      // a batch that cannot be read: the worker drops its results instead of sending them forever
      Problems.fail(message, notApplicable("a batch of results", e));
      return;
    }
    results.forEach(this::handle);
  }

  private void handle(Delivered delivered) {
    if (early != null) {
      early.add(delivered);
    } else {
      guarded(delivered, () -> take(delivered));
    }
  }

  /** The attempts results came for while taking over, and their nodes: they still count. */
  Map<AttemptKey, String> early() {
    Map<AttemptKey, String> attempts = new HashMap<>();
    for (Delivered d : early) {
      attempts.put(d.result().attemptKey(), d.result().node());
    }
    return attempts;
  }

  /** Takeover is done: the results that waited are taken in, and from now on each as it comes. */
  void open() {
    List<Delivered> waiting = early;
    early = null;
    waiting.forEach(this::handle);
  }

  private void take(Delivered delivered) {
    TaskResult result = delivered.result();
    TaskRun task = currentOrOnItsWay(result);
    if (task == null) {
      // not (or no longer) the current attempt: unless changes on their way are undone
      durable
          .settled(result.runId())
          .onComplete(v -> guarded(delivered, () -> takeSettled(delivered)));
    } else if (task.kind() == TaskKind.SPAWN && result.outcome() == AttemptState.SUCCEEDED) {
      vertx
          .executeBlocking(() -> store.spawnEntries(result.runId(), task.stage()))
          .onComplete(ar -> guarded(delivered, () -> apply(delivered, ar.result(), ar.cause())));
    } else {
      apply(delivered, null, null);
    }
  }

  private void takeSettled(Delivered delivered) {
    TaskResult result = delivered.result();
    if (current(result) != null) {
      take(delivered);
    } else {
      dispatcher.released(result.node(), result.attemptKey());
      delivered.taken(false);
    }
  }

  /**
   * The task the result is for, if the result is of its current attempt, also of one whose
   * assignment the worker's answer has not confirmed yet; null otherwise.
   */
  private TaskRun currentOrOnItsWay(TaskResult result) {
    TaskRun task = current(result);
    if (task == null && dispatcher.resultBeforeAnswer(result.attemptKey(), result.node())) {
      return current(result);
    }
    return task;
  }

  /** The task the result is for, if the result is of its current attempt; null otherwise. */
  private TaskRun current(TaskResult result) {
    Run run = runs.get(result.runId());
    // a DAMAGED run takes no result: nothing more is written to its journal
    boolean takes = run != null && run.state() != RunState.DAMAGED;
    TaskRun task = takes ? run.findTask(result.taskId()).orElse(null) : null;
    boolean current =
        task != null
            && task.isCurrent(result.attempt())
            && task.currentAttempt().node().equals(result.node());
    return current ? task : null;
  }

  /**
   * Applies a result; it is acknowledged, and the worker's slot counted free, only once what it
   * changed is in the journal. If that fails, the worker keeps the result and sends it again.
   */
  private void apply(Delivered delivered, List<Map<String, String>> entries, Throwable unreadable) {
    TaskResult r = delivered.result();
    TaskRun task = current(r);
    if (task == null) {
      take(delivered); // changed while the spawn entries were read
      return;
    }
    Run run = runs.get(r.runId());
    durable
        .step(() -> end(run, task, r, entries, unreadable))
        .onComplete(
            ar ->
                guarded(
                    delivered,
                    () -> {
                      if (ar.failed() && ar.cause() instanceof NotWritten) {
                        delivered.refused(
                            Problems.problem(503, "Result not journaled", ar.cause().getMessage()));
                      } else if (ar.failed()) {
                        throw new IllegalStateException(ar.cause());
                      } else {
                        dispatcher.released(r.node(), r.attemptKey());
                        delivered.taken(true);
                      }
                    }));
  }

  private boolean end(
      Run run,
      TaskRun task,
      TaskResult r,
      List<Map<String, String>> entries,
      Throwable unreadable) {
    return unreadable == null
        ? coordinator.ended(run, task, r.attempt(), r.outcome(), r.exitCode(), r.error(), entries)
        : coordinator.ended(
            run,
            task,
            r.attempt(),
            AttemptState.FAILED,
            r.exitCode(),
            "the spawn entries the worker stored cannot be read: " + unreadable.getMessage(),
            null);
  }

  /** Runs {@code step}; if it throws, the result is answered as a permanent failure. */
  private void guarded(Delivered delivered, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      delivered.refused(notApplicable("a result (" + delivered.result() + ")", e));
    }
  }

  /** Logs {@code e} once with a reference; the problem names only the reference. */
  private static JsonObject notApplicable(String what, RuntimeException e) {
    String reference = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("{} could not be taken in (reference {})", what, reference, e);
    return Problems.problem(
        500,
        "Result not applicable",
        "the orchestrator cannot take in this result (reference "
            + reference
            + "); sending it again would not help");
  }
}
