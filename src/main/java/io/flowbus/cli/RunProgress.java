package io.flowbus.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/** A run as its events have shown it so far: its state and each stage's progress. */
final class RunProgress {
  private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "DAMAGED");

  private final String runId;
  private final Clock clock;
  private final TreeMap<Integer, StageProgress> stages = new TreeMap<>();
  private String job = "";
  private String state = "";
  private String error;
  private Instant startedAt;
  private Instant endedAt;

  RunProgress(String runId, Clock clock) {
    this.runId = runId;
    this.clock = clock;
  }

  static boolean isEnded(String state) {
    return ENDED.contains(state);
  }

  /** A {@code run} event, or the run as {@code GET /api/runs/{id}} answers it. */
  void onRun(JsonObject run) {
    job = run.getString("job", job);
    state = run.getString("state", state);
    error = run.getString("error");
    startedAt = instant(run.getString("started_at"));
    endedAt = instant(run.getString("ended_at"));
    JsonArray list = run.getJsonArray("stages", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      onStage(list.getJsonObject(i));
    }
  }

  /** A {@code stage} event. */
  void onStage(JsonObject stage) {
    int index = stage.getInteger("index", 0);
    stages.put(index, StageProgress.of(stage, stages.get(index), clock.instant()));
  }

  String runId() {
    return runId;
  }

  String job() {
    return job;
  }

  String state() {
    return state;
  }

  String error() {
    return error;
  }

  boolean ended() {
    return isEnded(state);
  }

  boolean succeeded() {
    return state.equals("SUCCEEDED");
  }

  List<StageProgress> stages() {
    return List.copyOf(stages.values());
  }

  /** How long the run has run, or ran; null before it started. */
  Duration elapsed() {
    if (startedAt == null) {
      return null;
    }
    Instant end = endedAt != null ? endedAt : clock.instant();
    return end.isBefore(startedAt) ? Duration.ZERO : Duration.between(startedAt, end);
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
