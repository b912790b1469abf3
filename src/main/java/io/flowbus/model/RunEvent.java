package io.flowbus.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A state change of a run. The orchestrator decides on events, {@link Run#apply} carries them out,
 * the journal keeps them, and replaying the journal rebuilds the run exactly.
 */
public sealed interface RunEvent {
  Instant at();

  /**
   * @param inputs the job inputs, secrets included: the journal writes {@code ***} in their place
   * @param idempotency the key the run was asked for with; null if none
   * @param trigger the schedule that started it; null if it was asked for over the API
   */
  record Created(
      Instant at,
      String runId,
      RunPlan plan,
      Map<String, String> inputs,
      Set<String> secretInputs,
      Idempotency idempotency,
      Trigger trigger)
      implements RunEvent {
    /** A run asked for over the API. */
    public Created(
        Instant at,
        String runId,
        RunPlan plan,
        Map<String, String> inputs,
        Set<String> secretInputs,
        Idempotency idempotency) {
      this(at, runId, plan, inputs, secretInputs, idempotency, null);
    }

    /** A run asked for without an idempotency key. */
    public Created(
        Instant at,
        String runId,
        RunPlan plan,
        Map<String, String> inputs,
        Set<String> secretInputs) {
      this(at, runId, plan, inputs, secretInputs, null, null);
    }
  }

  record Started(Instant at) implements RunEvent {}

  record StageStarted(Instant at, int stage) implements RunEvent {}

  record TaskDispatched(Instant at, String taskId, int attempt, String node) implements RunEvent {}

  /**
   * @param retryAt when the task is run again; null when this attempt is its last
   */
  record TaskEnded(
      Instant at,
      String taskId,
      int attempt,
      AttemptState outcome,
      Integer exitCode,
      String error,
      Instant retryAt)
      implements RunEvent {}

  /** A task that failed before any worker ran it, such as one missing a required input. */
  record TaskRejected(Instant at, String taskId, String error) implements RunEvent {}

  /** The worker of an attempt left or handed it back: the task is pending again. */
  record TaskLost(Instant at, String taskId, int attempt, String reason) implements RunEvent {}

  /** The spawn task of a stage succeeded and wrote these entries. */
  record Spawned(Instant at, int stage, List<Map<String, String>> entries) implements RunEvent {}

  /** A failed task stops a stage with {@code job_failed_on_error}: nothing pending starts. */
  record StageAborted(Instant at, int stage, String reason) implements RunEvent {}

  record StageEnded(Instant at, int stage, TaskState state, String error) implements RunEvent {}

  /** The stage never runs: a stage it depends on failed or was skipped. */
  record StageSkipped(Instant at, int stage, String reason) implements RunEvent {}

  record Cancelled(Instant at, String reason) implements RunEvent {}

  /** No new task is given out; running ones go on. */
  record Paused(Instant at) implements RunEvent {}

  /** A paused run gives out its tasks again. */
  record Resumed(Instant at) implements RunEvent {}

  /**
   * A failed or cancelled run runs again what did not succeed: failed and cancelled tasks (attempts
   * kept), stages that failed, and stages that never started.
   */
  record Retried(Instant at) implements RunEvent {}

  record Ended(Instant at, RunState state, String error) implements RunEvent {}

  /**
   * One POST of a notification ({@link Delivery}) of an ended run; it never changes the run itself.
   *
   * @param delivery the delivery's number in the run
   * @param status the HTTP status answered; null when none came
   * @param nextAttemptAt when it is tried again; null when delivered or given up
   */
  record NotificationAttempted(
      Instant at,
      int delivery,
      int attempt,
      Integer status,
      String error,
      long durationMs,
      boolean delivered,
      Instant nextAttemptAt)
      implements RunEvent {}
}
