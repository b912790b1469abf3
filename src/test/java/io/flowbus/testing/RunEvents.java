package io.flowbus.testing;

import io.flowbus.model.AttemptState;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Events for tests, each at a fixed time after {@link #T0} so that a journal built from them is the
 * same on every run. The worker of every attempt is {@link #NODE}.
 */
public final class RunEvents {
  public static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  public static final String NODE = "node-a";

  private RunEvents() {}

  public static RunEvent.Started started() {
    return new RunEvent.Started(T0.plusSeconds(1));
  }

  public static RunEvent.StageStarted stageStarted(int stage) {
    return new RunEvent.StageStarted(T0.plusSeconds(2), stage);
  }

  public static RunEvent.TaskDispatched dispatched(String taskId, int attempt) {
    return new RunEvent.TaskDispatched(T0.plusSeconds(3), taskId, attempt, NODE);
  }

  public static RunEvent.TaskEnded succeeded(String taskId, int attempt) {
    return new RunEvent.TaskEnded(
        T0.plusSeconds(4), taskId, attempt, AttemptState.SUCCEEDED, 0, null, null);
  }

  /** The attempt failed and was the last one. */
  public static RunEvent.TaskEnded failed(String taskId, int attempt) {
    return failedRetryAt(taskId, attempt, null);
  }

  /** The attempt failed; the task runs again at {@code retryAt} (null: never). */
  public static RunEvent.TaskEnded failedRetryAt(String taskId, int attempt, Instant retryAt) {
    return new RunEvent.TaskEnded(
        T0.plusSeconds(4), taskId, attempt, AttemptState.FAILED, 1, "exited with code 1", retryAt);
  }

  public static RunEvent.TaskLost lost(String taskId, int attempt) {
    return new RunEvent.TaskLost(T0.plusSeconds(4), taskId, attempt, NODE + " left the cluster");
  }

  /** {@code n} entries {@code {url: https://example.com/<i>}}. */
  public static RunEvent.Spawned spawned(int stage, int n) {
    List<Map<String, String>> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(Map.of("url", "https://example.com/" + i));
    }
    return new RunEvent.Spawned(T0.plusSeconds(5), stage, entries);
  }

  public static RunEvent.StageEnded stageEnded(int stage, TaskState state) {
    return new RunEvent.StageEnded(
        T0.plusSeconds(6), stage, state, state == TaskState.FAILED ? "a task failed" : null);
  }

  public static RunEvent.StageAborted stageAborted(int stage) {
    return new RunEvent.StageAborted(T0.plusSeconds(6), stage, "task failed");
  }

  public static RunEvent.Cancelled cancelled() {
    return new RunEvent.Cancelled(T0.plusSeconds(7), "cancelled by user");
  }

  public static RunEvent.Ended ended(RunState state) {
    return new RunEvent.Ended(T0.plusSeconds(8), state, state == RunState.FAILED ? "boom" : null);
  }
}
