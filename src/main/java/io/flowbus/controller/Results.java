package io.flowbus.controller;

import io.flowbus.cluster.TaskResult;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskKind;
import io.flowbus.model.TaskRun;
import io.flowbus.storage.RunStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Takes in the results workers send: a result of the current attempt is applied and acknowledged
 * once what it changed is in the journal; if that fails it is refused (503), and the worker keeps
 * it and sends it again. A result of an attempt given up is acknowledged without being applied.
 */
final class Results {
  private final Vertx vertx;
  private final Function<String, Run> runs;
  private final RunStore store;
  private final DurableEffects durable;
  private final RunCoordinator coordinator;
  private final Dispatcher dispatcher;

  Results(
      Vertx vertx,
      Function<String, Run> runs,
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

  void handle(Message<JsonObject> message) {
    TaskResult result = TaskResult.fromJson(message.body());
    TaskRun task = current(result);
    if (task == null) {
      // not (or no longer) the current attempt: unless changes on their way are undone
      durable
          .settled(result.runId())
          .onComplete(
              v -> {
                if (current(result) != null) {
                  handle(message);
                } else {
                  dispatcher.released(
                      result.node(), result.runId(), result.taskId(), result.attempt());
                  message.reply(new JsonObject().put("applied", false));
                }
              });
      return;
    }
    if (task.kind() == TaskKind.SPAWN && result.outcome() == AttemptState.SUCCEEDED) {
      vertx
          .executeBlocking(() -> store.spawnEntries(result.runId(), task.stage()))
          .onComplete(ar -> apply(message, result, ar.result(), ar.cause()));
      return;
    }
    apply(message, result, null, null);
  }

  /** The task the result is for, if the result is of its current attempt; null otherwise. */
  private TaskRun current(TaskResult result) {
    Run run = runs.apply(result.runId());
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
  private void apply(
      Message<JsonObject> message,
      TaskResult r,
      List<Map<String, String>> entries,
      Throwable unreadable) {
    TaskRun task = current(r);
    if (task == null) {
      handle(message); // changed while the spawn entries were read
      return;
    }
    Run run = runs.apply(r.runId());
    durable
        .step(
            () ->
                unreadable == null
                    ? coordinator.ended(
                        run, task, r.attempt(), r.outcome(), r.exitCode(), r.error(), entries)
                    : coordinator.ended(
                        run,
                        task,
                        r.attempt(),
                        AttemptState.FAILED,
                        r.exitCode(),
                        "the spawn entries the worker stored cannot be read: "
                            + unreadable.getMessage(),
                        null))
        .onSuccess(
            v -> {
              dispatcher.released(r.node(), r.runId(), r.taskId(), r.attempt());
              message.reply(new JsonObject().put("applied", true));
            })
        .onFailure(e -> message.fail(503, e.getMessage()));
  }
}
