package io.flowbus.cluster;

import io.flowbus.model.AttemptKey;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.TaskKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a worker needs to run one attempt of a task: the command and argument templates, the input
 * values the orchestrator resolved, and the inputs the worker reads from its own environment.
 * Immutable (its collections are copied when it is built), so that a worker on the orchestrator's
 * node is handed the very record the orchestrator sent.
 *
 * @param index the instance's position among the stage's spawn entries; -1 for a spawn task
 * @param secrets values to show as {@code ***} in the task's output
 * @param timeoutMillis 0 for no timeout
 */
public record TaskAssignment(
    String runId,
    String taskId,
    int attempt,
    int stage,
    int index,
    TaskKind kind,
    String command,
    List<String> args,
    Map<String, String> values,
    List<InputSpec> environmentInputs,
    List<String> secrets,
    long timeoutMillis) {

  public TaskAssignment {
    args = Collections.unmodifiableList(new ArrayList<>(args));
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    environmentInputs = Collections.unmodifiableList(new ArrayList<>(environmentInputs));
    secrets = Collections.unmodifiableList(new ArrayList<>(secrets));
  }

  public String key() {
    return attemptKey().taskKey();
  }

  public AttemptKey attemptKey() {
    return new AttemptKey(runId, taskId, attempt);
  }

  public JsonObject toJson() {
    JsonArray env = new JsonArray();
    for (InputSpec input : environmentInputs) {
      env.add(
          new JsonObject()
              .put("name", input.name())
              .put("variable", input.environmentVariable())
              .put("default", input.defaultValue())
              .put("required", input.required()));
    }
    return new JsonObject()
        .put("run_id", runId)
        .put("task_id", taskId)
        .put("attempt", attempt)
        .put("stage", stage)
        .put("index", index)
        .put("kind", kind.name())
        .put("command", command)
        .put("args", new JsonArray(new ArrayList<>(args)))
        .put("values", new JsonObject(new LinkedHashMap<>(values)))
        .put("environment_inputs", env)
        .put("secrets", new JsonArray(new ArrayList<>(secrets)))
        .put("timeout_ms", timeoutMillis);
  }

  public static TaskAssignment fromJson(JsonObject json) {
    List<InputSpec> env = new ArrayList<>();
    for (Object o : json.getJsonArray("environment_inputs")) {
      JsonObject input = (JsonObject) o;
      env.add(
          new InputSpec(
              input.getString("name"),
              "",
              InputSource.ENVIRONMENT,
              input.getString("variable"),
              input.getString("default"),
              input.getBoolean("required")));
    }
    Map<String, String> values = new LinkedHashMap<>();
    json.getJsonObject("values").forEach(e -> values.put(e.getKey(), (String) e.getValue()));
    return new TaskAssignment(
        json.getString("run_id"),
        json.getString("task_id"),
        json.getInteger("attempt"),
        json.getInteger("stage"),
        json.getInteger("index"),
        TaskKind.valueOf(json.getString("kind")),
        json.getString("command"),
        strings(json.getJsonArray("args")),
        values,
        env,
        strings(json.getJsonArray("secrets")),
        json.getLong("timeout_ms"));
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>(array.size());
    array.forEach(o -> out.add((String) o));
    return out;
  }
}
