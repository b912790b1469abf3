package io.flowbus.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Results a worker sends to the orchestrator in one message: those that ended while its previous
 * batch was on its way (one when the worker is not busy, many under load). The orchestrator answers
 * each result in its place ({@link Answers}), once every one of them is journaled or refused.
 */
public record ResultBatch(List<TaskResult> results) {
  public ResultBatch {
    results = List.copyOf(results);
  }

  /**
   * The orchestrator's answer to one result.
   *
   * @param status 200: taken in; otherwise the status of the refusal (503: it cannot be journaled
   *     now, send it again; 500: it cannot be taken in, sending it again would not help)
   * @param applied when taken in: whether it was applied (false: its attempt had been given up)
   * @param problem when refused: the problem, as every refusal across the bus carries it
   */
  public record Answer(int status, boolean applied, JsonObject problem) {
    public static Answer taken(boolean applied) {
      return new Answer(200, applied, null);
    }

    public static Answer refused(JsonObject problem) {
      return new Answer(problem.getInteger("status", 500), false, problem);
    }

    public boolean isTaken() {
      return status == 200;
    }

    JsonObject toJson() {
      return new JsonObject().put("status", status).put("applied", applied).put("problem", problem);
    }

    static Answer fromJson(JsonObject json) {
      return new Answer(
          json.getInteger("status"), json.getBoolean("applied"), json.getJsonObject("problem"));
    }
  }

  /** The answers to a batch, in the order of its results. */
  public record Answers(List<Answer> answers) {
    public Answers {
      answers = List.copyOf(answers);
    }

    public JsonObject toJson() {
      JsonArray items = new JsonArray();
      answers.forEach(a -> items.add(a.toJson()));
      return new JsonObject().put("answers", items);
    }

    public static Answers fromJson(JsonObject json) {
      List<Answer> answers = new ArrayList<>();
      json.getJsonArray("answers").forEach(a -> answers.add(Answer.fromJson((JsonObject) a)));
      return new Answers(answers);
    }
  }

  public JsonObject toJson() {
    JsonArray items = new JsonArray();
    results.forEach(r -> items.add(r.toJson()));
    return new JsonObject().put("results", items);
  }

  public static ResultBatch fromJson(JsonObject json) {
    List<TaskResult> results = new ArrayList<>();
    json.getJsonArray("results").forEach(r -> results.add(TaskResult.fromJson((JsonObject) r)));
    return new ResultBatch(results);
  }
}
