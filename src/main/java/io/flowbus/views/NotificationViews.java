package io.flowbus.views;

import io.flowbus.model.Delivery;
import io.flowbus.model.Run;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What a notification POSTs, and how the deliveries of a run are shown. */
public final class NotificationViews {
  private NotificationViews() {}

  /**
   * The body of a notification: its event, its delivery id and the run as {@code GET
   * /api/runs/{id}} shows it now (secret inputs as {@code ***}).
   */
  public static JsonObject payload(Run run, Delivery delivery) {
    return new JsonObject()
        .put("event", delivery.event())
        .put("delivery", delivery.id(run.id()))
        .put("run", RunViews.run(run));
  }

  /** {@code GET /api/runs/{id}/notifications}: every delivery, oldest first. */
  public static JsonObject list(Run run) {
    JsonArray items = new JsonArray();
    for (Delivery d : run.deliveries()) {
      JsonArray attempts = new JsonArray();
      d.attempts()
          .forEach(
              a ->
                  attempts.add(
                      new JsonObject()
                          .put("at", RunViews.time(a.at()))
                          .put("status", a.status())
                          .put("error", a.error())
                          .put("duration_ms", a.durationMs())));
      items.add(
          new JsonObject()
              .put("id", d.id(run.id()))
              .put("url", d.url())
              .put("event", d.event())
              .put("state", d.status())
              .put("due_at", RunViews.time(d.dueAt()))
              .put("attempts", attempts)
              .put("next_attempt_at", RunViews.time(d.nextAttemptAt())));
    }
    return new JsonObject().put("items", items);
  }
}
