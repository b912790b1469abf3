package io.flowbus.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Assignments the orchestrator hands to one worker in one message: those it gave that worker in one
 * pass over the ready tasks (one when a single slot came free, many when a batch of results freed
 * several). The worker answers each in its place ({@link Answers}), at once: taken, or refused.
 */
public record AssignmentBatch(List<TaskAssignment> assignments) {
  public AssignmentBatch {
    assignments = List.copyOf(assignments);
  }

  /**
   * The worker's answer to one assignment.
   *
   * @param status 200: taken, the attempt runs there; otherwise the status of the refusal (429:
   *     every slot is busy; 503: the node drains; 409: another attempt of the task runs there)
   * @param problem when refused: the problem, as every refusal across the bus carries it
   */
  public record Answer(int status, JsonObject problem) {
    public static Answer taken() {
      return new Answer(200, null);
    }

    public static Answer refused(JsonObject problem) {
      return new Answer(problem.getInteger("status", 500), problem);
    }

    /** What the refusal says (its problem's detail); for a log. */
    public String why() {
      return problem == null ? "status " + status : problem.getString("detail", problem.encode());
    }

    public boolean isTaken() {
      return status == 200;
    }

    JsonObject toJson() {
      return new JsonObject().put("status", status).put("problem", problem);
    }

    static Answer fromJson(JsonObject json) {
      return new Answer(json.getInteger("status"), json.getJsonObject("problem"));
    }
  }

  /** The answers to a batch, in the order of its assignments. */
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
    assignments.forEach(a -> items.add(a.toJson()));
    return new JsonObject().put("assignments", items);
  }

  public static AssignmentBatch fromJson(JsonObject json) {
    List<TaskAssignment> assignments = new ArrayList<>();
    json.getJsonArray("assignments")
        .forEach(a -> assignments.add(TaskAssignment.fromJson((JsonObject) a)));
    return new AssignmentBatch(assignments);
  }
}
