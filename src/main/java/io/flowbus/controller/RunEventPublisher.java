package io.flowbus.controller;

import io.flowbus.cluster.Addresses;
import io.flowbus.model.Changes;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.TaskRun;
import io.flowbus.views.RunViews;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes every state change of a run on its event address, where each node serving the run's
 * event stream listens: {@code {"type": "run"|"stage"|"task", "version": n, "data": {...}}}.
 */
final class RunEventPublisher {
  private RunEventPublisher() {}

  /**
   * What to publish for an event just applied to the run, rendered now: published later (once the
   * event is durable) it still shows the run as this event left it.
   */
  static List<JsonObject> messages(Run run, RunEvent event, Changes changes) {
    List<JsonObject> messages = new ArrayList<>();
    for (TaskRun task : changes.tasks()) {
      messages.add(message(run, "task", RunViews.task(run, task)));
    }
    for (int stage : changes.stages()) {
      messages.add(message(run, "stage", RunViews.stage(run, run.stage(stage))));
    }
    if (changes.runChanged() || event instanceof RunEvent.Created) {
      messages.add(message(run, "run", RunViews.run(run)));
    }
    if (!messages.isEmpty()) {
      // only the last message of the last event says the stream may end
      messages.get(messages.size() - 1).put("ended", run.isSettled());
    }
    return messages;
  }

  static void publish(Vertx vertx, String runId, List<JsonObject> messages) {
    String address = Addresses.runEvents(runId);
    messages.forEach(m -> vertx.eventBus().publish(address, m));
  }

  private static JsonObject message(Run run, String type, JsonObject data) {
    return new JsonObject()
        .put("type", type)
        .put("run_id", run.id())
        .put("version", run.version())
        .put("ended", false)
        .put("data", data);
  }
}
