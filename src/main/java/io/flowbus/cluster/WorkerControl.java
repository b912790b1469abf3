package io.flowbus.cluster;

import io.flowbus.model.AttemptKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What the orchestrator asks one worker node, over {@link Addresses#workerControl}: stop an
 * attempt, or tell what it holds. This file alone knows their wire form.
 */
public sealed interface WorkerControl permits WorkerControl.Cancel, WorkerControl.AskInventory {

  JsonObject toJson();

  /** The control message {@code json} encodes; IllegalArgumentException if none. */
  static WorkerControl fromJson(JsonObject json) {
    return switch (json.getString("op", "")) {
      case "cancel" ->
          new Cancel(
              new AttemptKey(
                  json.getString("run_id"), json.getString("task_id"), json.getInteger("attempt")),
              json.getString("reason", "cancelled"));
      case "inventory" -> new AskInventory();
      default -> throw new IllegalArgumentException("unknown control operation");
    };
  }

  /** Stops the attempt if it runs there; answered {@code {"stopping": bool}}. */
  record Cancel(AttemptKey attempt, String reason) implements WorkerControl {
    @Override
    public JsonObject toJson() {
      return attemptJson(attempt).put("op", "cancel").put("reason", reason);
    }
  }

  /** Answered with an {@link Inventory}. */
  record AskInventory() implements WorkerControl {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("op", "inventory");
    }
  }

  /**
   * What a worker node runs, and has finished without an acknowledgement: none of it is to run
   * again.
   */
  record Inventory(
      String node,
      int slots,
      boolean draining,
      List<AttemptKey> running,
      List<AttemptKey> finished) {

    public Inventory {
      running = List.copyOf(running);
      finished = List.copyOf(finished);
    }

    /** Every attempt the node holds, running or finished. */
    public List<AttemptKey> attempts() {
      List<AttemptKey> all = new ArrayList<>(running);
      all.addAll(finished);
      return all;
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("node", node)
          .put("slots", slots)
          .put("draining", draining)
          .put("running", array(running))
          .put("finished", array(finished));
    }

    public static Inventory fromJson(JsonObject json) {
      return new Inventory(
          json.getString("node"),
          json.getInteger("slots", 0),
          json.getBoolean("draining", false),
          keys(json.getJsonArray("running", new JsonArray())),
          keys(json.getJsonArray("finished", new JsonArray())));
    }

    private static JsonArray array(List<AttemptKey> keys) {
      JsonArray array = new JsonArray();
      keys.forEach(k -> array.add(attemptJson(k)));
      return array;
    }

    private static List<AttemptKey> keys(JsonArray array) {
      List<AttemptKey> keys = new ArrayList<>();
      for (Object o : array) {
        JsonObject a = (JsonObject) o;
        keys.add(
            new AttemptKey(a.getString("run_id"), a.getString("task_id"), a.getInteger("attempt")));
      }
      return keys;
    }
  }

  private static JsonObject attemptJson(AttemptKey key) {
    return new JsonObject()
        .put("run_id", key.runId())
        .put("task_id", key.taskId())
        .put("attempt", key.attempt());
  }
}
