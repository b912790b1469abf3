package io.flowbus.storage;

import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Journal lines of the events of a run as a whole, after its creation: it starts, is paused,
 * resumed, cancelled, retried or ends, and the notifications of its end are attempted.
 */
final class RunLevelCodec {
  private RunLevelCodec() {}

  /** Completes {@code json} (holding the time) for a run-level event; null for another. */
  static JsonObject encode(RunEvent event, JsonObject json) {
    if (event instanceof RunEvent.Started) {
      return json.put("type", "started");
    } else if (event instanceof RunEvent.Cancelled e) {
      return json.put("type", "cancelled").put("reason", e.reason());
    } else if (event instanceof RunEvent.Paused) {
      return json.put("type", "paused");
    } else if (event instanceof RunEvent.Resumed) {
      return json.put("type", "resumed");
    } else if (event instanceof RunEvent.Retried) {
      return json.put("type", "retried");
    } else if (event instanceof RunEvent.Ended e) {
      return json.put("type", "ended").put("state", e.state().name()).put("error", e.error());
    } else if (event instanceof RunEvent.NotificationAttempted e) {
      return json.put("type", "notification_attempted")
          .put("delivery", e.delivery())
          .put("attempt", e.attempt())
          .put("status", e.status())
          .put("error", e.error())
          .put("duration_ms", e.durationMs())
          .put("delivered", e.delivered())
          .put("next_attempt_at", e.nextAttemptAt() == null ? null : e.nextAttemptAt().toString());
    }
    return null;
  }

  /** The run-level event of a line of this {@code type}; null for a type of another event. */
  static RunEvent decode(String type, JsonObject json, Instant at) {
    switch (type) {
      case "started":
        return new RunEvent.Started(at);
      case "cancelled":
        return new RunEvent.Cancelled(at, json.getString("reason"));
      case "paused":
        return new RunEvent.Paused(at);
      case "resumed":
        return new RunEvent.Resumed(at);
      case "retried":
        return new RunEvent.Retried(at);
      case "ended":
        return new RunEvent.Ended(
            at, RunState.valueOf(json.getString("state")), json.getString("error"));
      case "notification_attempted":
        return notificationAttempted(json, at);
      default:
        return null;
    }
  }

  private static RunEvent notificationAttempted(JsonObject json, Instant at) {
    String next = json.getString("next_attempt_at");
    return new RunEvent.NotificationAttempted(
        at,
        json.getInteger("delivery"),
        json.getInteger("attempt"),
        json.getInteger("status"),
        json.getString("error"),
        json.getLong("duration_ms", 0L),
        json.getBoolean("delivered"),
        next == null ? null : Instant.parse(next));
  }
}
