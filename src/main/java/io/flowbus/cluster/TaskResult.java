package io.flowbus.cluster;

import io.flowbus.model.AttemptKey;
import io.flowbus.model.AttemptState;
import io.vertx.core.json.JsonObject;

/**
 * How an attempt ended, sent by its worker (in a {@link ResultBatch}) until the orchestrator
 * acknowledges it.
 *
 * @param outcome SUCCEEDED, FAILED, CANCELLED, or LOST when the worker hands the task back
 * @param spawnCount for a spawn task that succeeded: how many entries it wrote; else null
 */
public record TaskResult(
    String runId,
    String taskId,
    int attempt,
    String node,
    AttemptState outcome,
    Integer exitCode,
    String error,
    Integer spawnCount) {

  public String key() {
    return attemptKey().taskKey();
  }

  public AttemptKey attemptKey() {
    return new AttemptKey(runId, taskId, attempt);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("run_id", runId)
        .put("task_id", taskId)
        .put("attempt", attempt)
        .put("node", node)
        .put("outcome", outcome.name())
        .put("exit_code", exitCode)
        .put("error", error)
        .put("spawn_count", spawnCount);
  }

  public static TaskResult fromJson(JsonObject json) {
    return new TaskResult(
        json.getString("run_id"),
        json.getString("task_id"),
        json.getInteger("attempt"),
        json.getString("node"),
        AttemptState.valueOf(json.getString("outcome")),
        json.getInteger("exit_code"),
        json.getString("error"),
        json.getInteger("spawn_count"));
  }
}
