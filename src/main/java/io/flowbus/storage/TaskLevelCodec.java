package io.flowbus.storage;

import io.flowbus.model.AttemptState;
import io.flowbus.model.RunEvent;
import io.flowbus.model.TaskState;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Journal lines of the events of a stage and its tasks: a stage starts, spawns, is aborted, skipped
 * or ends; a task is dispatched, ends, is rejected or lost. A spawn's entries are referred to by
 * their count, not copied: they are read back from the stage's spawn file.
 */
final class TaskLevelCodec {
  private TaskLevelCodec() {}

  /** Completes {@code json} (holding the time) for a stage or task event; null for another. */
  static JsonObject encode(RunEvent event, JsonObject json) {
    if (event instanceof RunEvent.StageStarted e) {
      return json.put("type", "stage_started").put("stage", e.stage());
    } else if (event instanceof RunEvent.TaskDispatched e) {
      return json.put("type", "task_dispatched")
          .put("task", e.taskId())
          .put("attempt", e.attempt())
          .put("node", e.node());
    } else if (event instanceof RunEvent.TaskEnded e) {
      return taskEnded(e, json);
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
    }
    return null;
  }

  private static JsonObject taskEnded(RunEvent.TaskEnded e, JsonObject json) {
    return json.put("type", "task_ended")
        .put("task", e.taskId())
        .put("attempt", e.attempt())
        .put("outcome", e.outcome().name())
        .put("exit_code", e.exitCode())
        .put("error", e.error())
        .put("retry_at", e.retryAt() == null ? null : e.retryAt().toString());
  }

  /** The stage or task event of a line of this {@code type}; null for a type of another event. */
  static RunEvent decode(
      String type, JsonObject json, Instant at, String runId, EventCodec.References refs)
      throws Exception {
    switch (type) {
      case "stage_started":
        return new RunEvent.StageStarted(at, json.getInteger("stage"));
      case "task_dispatched":
        return new RunEvent.TaskDispatched(
            at, json.getString("task"), json.getInteger("attempt"), json.getString("node"));
      case "task_ended":
        return taskEnded(json, at);
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
      default:
        return null;
    }
  }

  private static RunEvent taskEnded(JsonObject json, Instant at) {
    String retryAt = json.getString("retry_at");
    return new RunEvent.TaskEnded(
        at,
        json.getString("task"),
        json.getInteger("attempt"),
        AttemptState.valueOf(json.getString("outcome")),
        json.getInteger("exit_code"),
        json.getString("error"),
        retryAt == null ? null : Instant.parse(retryAt));
  }

  private static RunEvent spawned(
      JsonObject json, Instant at, String runId, EventCodec.References refs) throws Exception {
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
