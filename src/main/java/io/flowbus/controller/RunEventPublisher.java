package io.flowbus.controller;

import io.flowbus.cluster.Addresses;
import io.flowbus.model.Changes;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.TaskRun;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Publishes every state change of a run on its event address, where each node serving the run's
 * event stream listens: {@code {"type": "run"|"stage"|"task", "version": n, "data": {...}}}.
 */
final class RunEventPublisher {
  private RunEventPublisher() {}

  static void publish(Vertx vertx, Run run, RunEvent event, Changes changes) {
    String address = Addresses.runEvents(run.id());
    for (TaskRun task : changes.tasks()) {
      vertx.eventBus().publish(address, message(run, "task", RunViews.task(run, task)));
    }
    for (int stage : changes.stages()) {
      vertx.eventBus().publish(address, message(run, "stage", RunViews.stage(run.stage(stage))));
    }
    if (changes.runChanged() || event instanceof RunEvent.Created) {
      vertx.eventBus().publish(address, message(run, "run", RunViews.run(run)));
    }
  }

  private static JsonObject message(Run run, String type, JsonObject data) {
    return new JsonObject()
        .put("type", type)
        .put("run_id", run.id())
        .put("version", run.version())
        .put("ended", run.state().ended() && !run.hasRunningTasks())
        .put("data", data);
  }
}
