package io.flowbus.model;

import io.flowbus.testing.RunEvents;
import java.time.Instant;

/**
 * The former home of the run builder, now a thin delegate kept only so that the tests not yet moved
 * compile unchanged; new tests use {@link io.flowbus.testing.RunBuilder} and {@link RunEvents}, and
 * this class goes once no test uses it.
 */
final class RunFixtures {
  static final Instant T0 = RunEvents.T0;
  static final String RUN_ID = io.flowbus.testing.RunBuilder.RUN_ID;
  static final String NODE = RunEvents.NODE;

  private RunFixtures() {}

  static RunBuilder aRun() {
    return new RunBuilder();
  }

  /** Delegates to {@link io.flowbus.testing.RunBuilder}. */
  static final class RunBuilder {
    private final io.flowbus.testing.RunBuilder builder = io.flowbus.testing.RunBuilder.aRun();

    RunBuilder withInput(String name, String value) {
      builder.withInput(name, value);
      return this;
    }

    RunBuilder withSecretInputs(String... names) {
      builder.withSecretInputs(names);
      return this;
    }

    RunBuilder started() {
      builder.started();
      return this;
    }

    RunBuilder inFirstStage() {
      builder.inFirstStage();
      return this;
    }

    RunBuilder inSpawnStage() {
      builder.inSpawnStage();
      return this;
    }

    RunBuilder withSpawned(int n) {
      builder.withSpawned(n);
      return this;
    }

    RunBuilder then(RunEvent... more) {
      builder.then(more);
      return this;
    }

    Run build() {
      return builder.build();
    }
  }

  static RunEvent.Started started() {
    return RunEvents.started();
  }

  static RunEvent.StageStarted stageStarted(int stage) {
    return RunEvents.stageStarted(stage);
  }

  static RunEvent.TaskDispatched dispatched(String taskId, int attempt) {
    return RunEvents.dispatched(taskId, attempt);
  }

  static RunEvent.TaskEnded succeeded(String taskId, int attempt) {
    return RunEvents.succeeded(taskId, attempt);
  }

  static RunEvent.TaskEnded failed(String taskId, int attempt) {
    return RunEvents.failed(taskId, attempt);
  }

  static RunEvent.TaskEnded failedRetryAt(String taskId, int attempt, Instant retryAt) {
    return RunEvents.failedRetryAt(taskId, attempt, retryAt);
  }

  static RunEvent.TaskLost lost(String taskId, int attempt) {
    return RunEvents.lost(taskId, attempt);
  }

  static RunEvent.Spawned spawned(int stage, int n) {
    return RunEvents.spawned(stage, n);
  }

  static RunEvent.StageEnded stageEnded(int stage, TaskState state) {
    return RunEvents.stageEnded(stage, state);
  }

  static RunEvent.StageAborted stageAborted(int stage) {
    return RunEvents.stageAborted(stage);
  }

  static RunEvent.Cancelled cancelled() {
    return RunEvents.cancelled();
  }

  static RunEvent.Ended ended(RunState state) {
    return RunEvents.ended(state);
  }
}
