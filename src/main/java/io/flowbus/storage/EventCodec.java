package io.flowbus.storage;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Idempotency;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.model.Secrets;
import io.flowbus.model.TaskState;
import io.flowbus.model.Trigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Journal lines for run events. Secrets never reach a line: a created event keeps {@code ***} in
 * their place, and the spawn entries of a stage are referred to, not copied.
 */
public final class EventCodec {
  private EventCodec() {}

  /** Resolves what a journal line refers to but does not hold. */
  public interface References {
    io.flowbus.model.RunPlan plan(String definitionsVersion, String jobId) throws Exception;

    Map<String, String> secrets(String runId) throws Exception;

    List<Map<String, String>> spawnEntries(String runId, int stage) throws Exception;
  }

  public static JsonObject encode(RunEvent event) {
    JsonObject json = new JsonObject().put("at", event.at().toString());
    if (event instanceof RunEvent.Created e) {
      Map<String, String> masked = new LinkedHashMap<>(e.inputs());
      e.secretInputs().forEach(name -> masked.computeIfPresent(name, (k, v) -> Secrets.MASK));
      json.put("type", "created")
          .put("run_id", e.runId())
          .put("job", e.plan().job().id())
          .put("definitions_version", e.plan().definitionsVersion())
          .put("inputs", new JsonObject(new LinkedHashMap<>(masked)))
          .put("secret_inputs", new JsonArray(List.copyOf(e.secretInputs())));
      if (e.idempotency() != null) {
        json.put(
            "idempotency",
            new JsonObject()
                .put("key", e.idempotency().key())
                .put("fingerprint", e.idempotency().fingerprint()));
      }
      if (e.trigger() != null) {
        json.put("trigger", trigger(e.trigger()));
      }
      return json;
    } else if (event instanceof RunEvent.Started) {
      return json.put("type", "started");
    } else if (event instanceof RunEvent.StageStarted e) {
      return json.put("type", "stage_started").put("stage", e.stage());
    } else if (event instanceof RunEvent.TaskDispatched e) {
      return json.put("type", "task_dispatched")
          .put("task", e.taskId())
          .put("attempt", e.attempt())
          .put("node", e.node());
    } else if (event instanceof RunEvent.TaskEnded e) {
      return json.put("type", "task_ended")
          .put("task", e.taskId())
          .put("attempt", e.attempt())
          .put("outcome", e.outcome().name())
          .put("exit_code", e.exitCode())
          .put("error", e.error())
          .put("retry_at", e.retryAt() == null ? null : e.retryAt().toString());
    } else if (event instanceof RunEvent.TaskRejected e) {
      return json.put("type", "task_rejected").put("task", e.taskId()).put("error", e.error());
    } else if (event instanceof RunEvent.TaskLost e) {
      return json.put("type", "task_lost")
          .put("task", e.taskId())
          .put("attempt", e.attempt())
          .put("reason", e.reason());
    } else if (event instanceof RunEvent.Spawned e) {
      return json.put("type", "spawned").put("stage", e.stage()).put("count", e.entries().size());
    } else if (event instanceof RunEvent.StageAborted e) {
      return json.put("type", "stage_aborted").put("stage", e.stage()).put("reason", e.reason());
    } else if (event instanceof RunEvent.StageEnded e) {
      return json.put("type", "stage_ended")
          .put("stage", e.stage())
          .put("state", e.state().name())
          .put("error", e.error());
    } else if (event instanceof RunEvent.StageSkipped e) {
      return json.put("type", "stage_skipped").put("stage", e.stage()).put("reason", e.reason());
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
    throw new IllegalArgumentException("unknown event " + event);
  }

  public static RunEvent decode(JsonObject json, String runId, References refs) throws Exception {
    Instant at = Instant.parse(json.getString("at"));
    String type = json.getString("type", "");
    switch (type) {
      case "created":
        return created(json, at, refs);
      case "started":
        return new RunEvent.Started(at);
      case "stage_started":
        return new RunEvent.StageStarted(at, json.getInteger("stage"));
      case "task_dispatched":
        return new RunEvent.TaskDispatched(
            at, json.getString("task"), json.getInteger("attempt"), json.getString("node"));
      case "task_ended":
        String retryAt = json.getString("retry_at");
        return new RunEvent.TaskEnded(
            at,
            json.getString("task"),
            json.getInteger("attempt"),
            AttemptState.valueOf(json.getString("outcome")),
            json.getInteger("exit_code"),
            json.getString("error"),
            retryAt == null ? null : Instant.parse(retryAt));
      case "task_rejected":
        return new RunEvent.TaskRejected(at, json.getString("task"), json.getString("error"));
      case "task_lost":
        return new RunEvent.TaskLost(
            at, json.getString("task"), json.getInteger("attempt"), json.getString("reason"));
      case "spawned":
        return spawned(json, at, runId, refs);
      case "stage_aborted":
        return new RunEvent.StageAborted(at, json.getInteger("stage"), json.getString("reason"));
      case "stage_ended":
        return new RunEvent.StageEnded(
            at,
            json.getInteger("stage"),
            TaskState.valueOf(json.getString("state")),
            json.getString("error"));
      case "stage_skipped":
        return new RunEvent.StageSkipped(at, json.getInteger("stage"), json.getString("reason"));
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
      default:
        throw new IllegalArgumentException("unknown journal event type '" + type + "'");
    }
  }

  private static RunEvent created(JsonObject json, Instant at, References refs) throws Exception {
    String runId = json.getString("run_id");
    Set<String> secretNames = new HashSet<>();
    json.getJsonArray("secret_inputs", new JsonArray()).forEach(n -> secretNames.add((String) n));
    Map<String, String> inputs = new LinkedHashMap<>();
    json.getJsonObject("inputs", new JsonObject())
        .forEach(e -> inputs.put(e.getKey(), String.valueOf(e.getValue())));
    if (!secretNames.isEmpty()) {
      Map<String, String> secrets = refs.secrets(runId);
      for (String name : secretNames) {
        if (inputs.containsKey(name)) {
          inputs.put(name, secrets.getOrDefault(name, Secrets.MASK));
        }
      }
    }
    JsonObject keyed = json.getJsonObject("idempotency");
    JsonObject trigger = json.getJsonObject("trigger");
    return new RunEvent.Created(
        at,
        runId,
        refs.plan(json.getString("definitions_version"), json.getString("job")),
        inputs,
        secretNames,
        keyed == null
            ? null
            : new Idempotency(keyed.getString("key"), keyed.getString("fingerprint")),
        trigger == null ? null : trigger(trigger));
  }

  private static JsonObject trigger(Trigger trigger) {
    return new JsonObject()
        .put("schedule", trigger.schedule())
        .put("due_at", trigger.dueAt() == null ? null : trigger.dueAt().toString());
  }

  private static Trigger trigger(JsonObject json) {
    String dueAt = json.getString("due_at");
    return new Trigger(json.getString("schedule"), dueAt == null ? null : Instant.parse(dueAt));
  }

  private static RunEvent spawned(JsonObject json, Instant at, String runId, References refs)
      throws Exception {
    int stage = json.getInteger("stage");
    List<Map<String, String>> entries = refs.spawnEntries(runId, stage);
    int count = json.getInteger("count");
    if (entries.size() != count) {
      throw new IllegalStateException(
          "stage " + stage + " spawned " + count + " entries but the file holds " + entries.size());
    }
    return new RunEvent.Spawned(at, stage, entries);
  }
}
