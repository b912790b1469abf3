package io.flowbus.model;

import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.DefinitionsLoader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs and events for tests, so that a test says only what matters to it: {@code
 * aRun().inFirstStage().build()}.
 *
 * <p>The job {@code fetch-all} has two stages: stage 0 runs the single task {@code prepare} ({@code
 * s0-t0}); stage 1 runs the spawn task {@code split} ({@code s1-spawn}) and then one {@code fetch}
 * per spawn entry ({@code s1-t0}, {@code s1-t1}, ...).
 */
final class RunFixtures {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  static final String RUN_ID = "run-1";
  static final String NODE = "node-a";

  static final String DEFINITIONS =
      """
      tasks:
        prepare:
          exec_command: prepare
          input:
            data_id: {source: parameter}
          exec_args: ["--id={data_id}"]
        split:
          exec_command: split
        fetch:
          exec_command: fetch
          retries: 2
          input:
            url: {source: parameter}
            token: {source: parameter}
          exec_args: ["{url}", "--token={token}"]
      jobs:
        fetch-all:
          input:
            data_id: {source: parameter}
            token: {source: http-header, key: Authorization}
            mode: {source: parameter, default: fast}
          stages:
            - {name: Prepare, task_class: prepare}
            - {name: Fetch, spawn_task: split, task_class: fetch, job_failed_on_error: false}
      """;

  private RunFixtures() {}

  static Definitions definitions() {
    try {
      return DefinitionsLoader.parse(DEFINITIONS, "test.yaml");
    } catch (DefinitionsException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static RunPlan plan() {
    Definitions defs = definitions();
    return RunPlan.of(defs, defs.job("fetch-all").orElseThrow(), "v1");
  }

  static RunBuilder aRun() {
    return new RunBuilder();
  }

  /** Builds a run by applying events in order, like a journal replay. */
  static final class RunBuilder {
    private final Map<String, String> inputs = new LinkedHashMap<>();
    private Set<String> secretInputs = Set.of("token");
    private final List<RunEvent> events = new ArrayList<>();

    private RunBuilder() {
      inputs.put("data_id", "42");
      inputs.put("token", "Basic s3cret");
    }

    RunBuilder withInput(String name, String value) {
      inputs.put(name, value);
      return this;
    }

    RunBuilder withSecretInputs(String... names) {
      secretInputs = Set.of(names);
      return this;
    }

    RunBuilder started() {
      return then(RunFixtures.started());
    }

    /** Started, stage 0 started: {@code s0-t0} is pending. */
    RunBuilder inFirstStage() {
      return started().then(stageStarted(0));
    }

    /** Stage 0 done, stage 1 started: its spawn task {@code s1-spawn} is pending. */
    RunBuilder inSpawnStage() {
      return inFirstStage()
          .then(dispatched("s0-t0", 1), succeeded("s0-t0", 1))
          .then(stageEnded(0, TaskState.SUCCEEDED), stageStarted(1));
    }

    /** The spawn task of stage 1 succeeded with {@code n} entries: {@code s1-t0..} are pending. */
    RunBuilder withSpawned(int n) {
      return inSpawnStage()
          .then(dispatched("s1-spawn", 1), succeeded("s1-spawn", 1), spawned(1, n));
    }

    RunBuilder then(RunEvent... more) {
      events.addAll(List.of(more));
      return this;
    }

    RunEvent.Created created() {
      return new RunEvent.Created(T0, RUN_ID, plan(), inputs, secretInputs);
    }

    Run build() {
      Run run = Run.create(created());
      events.forEach(run::apply);
      return run;
    }
  }

  // ---------------------------------------------------------------- events

  static RunEvent.Started started() {
    return new RunEvent.Started(T0.plusSeconds(1));
  }

  static RunEvent.StageStarted stageStarted(int stage) {
    return new RunEvent.StageStarted(T0.plusSeconds(2), stage);
  }

  static RunEvent.TaskDispatched dispatched(String taskId, int attempt) {
    return new RunEvent.TaskDispatched(T0.plusSeconds(3), taskId, attempt, NODE);
  }

  static RunEvent.TaskEnded succeeded(String taskId, int attempt) {
    return new RunEvent.TaskEnded(
        T0.plusSeconds(4), taskId, attempt, AttemptState.SUCCEEDED, 0, null, null);
  }

  static RunEvent.TaskEnded failed(String taskId, int attempt) {
    return new RunEvent.TaskEnded(
        T0.plusSeconds(4), taskId, attempt, AttemptState.FAILED, 1, "exited with code 1", null);
  }

  static RunEvent.TaskEnded failedRetryAt(String taskId, int attempt, Instant retryAt) {
    return new RunEvent.TaskEnded(
        T0.plusSeconds(4), taskId, attempt, AttemptState.FAILED, 1, "exited with code 1", retryAt);
  }

  static RunEvent.TaskLost lost(String taskId, int attempt) {
    return new RunEvent.TaskLost(T0.plusSeconds(4), taskId, attempt, "node-a left the cluster");
  }

  /** {@code n} entries {@code {url: https://example.com/<i>}}. */
  static RunEvent.Spawned spawned(int stage, int n) {
    List<Map<String, String>> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(Map.of("url", "https://example.com/" + i));
    }
    return new RunEvent.Spawned(T0.plusSeconds(5), stage, entries);
  }

  static RunEvent.StageEnded stageEnded(int stage, TaskState state) {
    return new RunEvent.StageEnded(
        T0.plusSeconds(6), stage, state, state == TaskState.FAILED ? "a task failed" : null);
  }

  static RunEvent.StageAborted stageAborted(int stage) {
    return new RunEvent.StageAborted(T0.plusSeconds(6), stage, "task failed");
  }

  static RunEvent.Cancelled cancelled() {
    return new RunEvent.Cancelled(T0.plusSeconds(7), "cancelled by user");
  }

  static RunEvent.Ended ended(RunState state) {
    return new RunEvent.Ended(T0.plusSeconds(8), state, state == RunState.FAILED ? "boom" : null);
  }
}
