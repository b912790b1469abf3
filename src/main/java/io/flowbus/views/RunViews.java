package io.flowbus.views;

import io.flowbus.model.Attempt;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.flowbus.model.Run;
import io.flowbus.model.Secrets;
import io.flowbus.model.StageDef;
import io.flowbus.model.StageGraph;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskCounts;
import io.flowbus.model.TaskInputs;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.model.Trigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The REST shapes of jobs, runs, stages and tasks (snake_case, secrets as {@code ***}). */
public final class RunViews {
  private RunViews() {}

  public static JsonObject run(Run run) {
    JsonArray stages = new JsonArray();
    run.stages().forEach(s -> stages.add(stage(run, s)));
    return new JsonObject()
        .put("id", run.id())
        .put("job", run.jobId())
        .put("state", run.state().name())
        .put("inputs", new JsonObject(new LinkedHashMap<>(run.maskedInputs())))
        .put("created_at", time(run.createdAt()))
        .put("started_at", time(run.startedAt()))
        .put("ended_at", time(run.endedAt()))
        .put("error", run.error())
        .put("retried", run.retried())
        .put("trigger", trigger(run.trigger()))
        .put("stages", stages);
  }

  /**
   * {@code {"schedule", "due_at"}} of a run a schedule started (due_at null by hand); else null.
   */
  static JsonObject trigger(Trigger trigger) {
    return trigger == null
        ? null
        : new JsonObject().put("schedule", trigger.schedule()).put("due_at", time(trigger.dueAt()));
  }

  /**
   * A stage of a run; {@code depends_on} names the stages it waits for (see {@link StageGraph}).
   */
  public static JsonObject stage(Run run, StageRun stage) {
    TaskCounts counts = stage.counts();
    TaskRun spawn = stage.spawn();
    return new JsonObject()
        .put("index", stage.index())
        .put("name", stage.def().name())
        .put("task_class", stage.def().taskClass())
        .put("spawn_task", stage.def().spawnTask())
        .put("depends_on", new JsonArray(run.graph().dependencyNames(stage.index())))
        .put("tolerated_failures", stage.def().tolerance().toString())
        .put("state", stage.state().name())
        .put("started_at", time(stage.startedAt()))
        .put("ended_at", time(stage.endedAt()))
        .put("error", stage.error())
        .put(
            "spawn",
            stage.def().spawns()
                ? new JsonObject()
                    .put("id", spawn == null ? null : spawn.id())
                    .put("state", spawn == null ? TaskState.PENDING.name() : spawn.state().name())
                    .put("error", spawn == null ? null : spawn.error())
                : null)
        .put(
            "tasks",
            new JsonObject()
                .put("total", counts.total())
                .put("pending", counts.get(TaskState.PENDING))
                .put("running", counts.get(TaskState.RUNNING))
                .put("succeeded", counts.get(TaskState.SUCCEEDED))
                .put("failed", counts.get(TaskState.FAILED))
                .put("cancelled", counts.get(TaskState.CANCELLED))
                .put("skipped", counts.get(TaskState.SKIPPED)));
  }

  public static JsonObject task(Run run, TaskRun task) {
    Attempt last = task.currentAttempt();
    JsonArray history = new JsonArray();
    for (Attempt a : task.attempts()) {
      history.add(
          new JsonObject()
              .put("attempt", a.number())
              .put("node", a.node())
              .put("state", a.state().name())
              .put("exit_code", a.exitCode())
              .put("started_at", time(a.startedAt()))
              .put("ended_at", time(a.endedAt()))
              .put("error", a.error()));
    }
    return new JsonObject()
        .put("id", task.id())
        .put("run_id", run.id())
        .put("stage", task.stage())
        .put("index", task.index() < 0 ? null : task.index())
        .put("kind", task.kind().wireName())
        .put("task_class", task.taskClass())
        .put("state", task.state().name())
        .put("attempts", task.attempts().size())
        .put("node", last == null ? null : last.node())
        .put("exit_code", last == null ? null : last.exitCode())
        .put("started_at", time(task.startedAt()))
        .put("ended_at", time(task.endedAt()))
        .put("next_attempt_at", task.state() == TaskState.PENDING ? time(task.notBefore()) : null)
        .put("inputs", new JsonObject(new LinkedHashMap<>(inputsOf(run, task))))
        .put("error", task.error())
        .put("history", history);
  }

  /** The instance's resolved inputs, without environment ones (they resolve on the worker). */
  private static Map<String, Object> inputsOf(Run run, TaskRun task) {
    List<String> secrets = run.secretValues();
    Map<String, Object> shown = new LinkedHashMap<>();
    TaskInputs.of(run, task)
        .values()
        .forEach((name, value) -> shown.put(name, Secrets.mask(value, secrets)));
    return shown;
  }

  /**
   * A failed task instance of a run, for {@code GET /api/runs/{id}/failures}: where it is, what it
   * was given (secrets masked) and how it ended.
   */
  public static JsonObject failure(Run run, TaskRun task) {
    Attempt last = task.currentAttempt();
    return new JsonObject()
        .put("task", task.id())
        .put("stage", task.stage())
        .put("stage_name", run.stage(task.stage()).def().name())
        .put("index", task.index() < 0 ? null : task.index())
        .put("kind", task.kind().wireName())
        .put("inputs", new JsonObject(new LinkedHashMap<>(inputsOf(run, task))))
        .put("attempts", task.attempts().size())
        .put("exit_code", last == null ? null : last.exitCode())
        .put("error", task.error())
        .put("ended_at", time(task.endedAt()));
  }

  public static JsonObject job(JobDef job) {
    JsonArray stages = new JsonArray();
    StageGraph graph = StageGraph.of(job);
    for (int i = 0; i < job.stages().size(); i++) {
      StageDef s = job.stages().get(i);
      stages.add(
          new JsonObject()
              .put("index", i)
              .put("name", s.name())
              .put("task_class", s.taskClass())
              .put("spawn_task", s.spawnTask())
              .put("depends_on", new JsonArray(graph.dependencyNames(i)))
              .put("job_failed_on_error", s.jobFailedOnError())
              .put("tolerated_failures", s.tolerance().toString())
              .put("max_parallel", s.maxParallel() == 0 ? null : s.maxParallel()));
    }
    return new JsonObject()
        .put("id", job.id())
        .put("name", job.name())
        .put("description", job.description())
        .put("inputs", inputs(job.inputs()))
        .put("stages", stages);
  }

  static JsonObject inputs(Map<String, InputSpec> inputs) {
    JsonObject json = new JsonObject();
    inputs.forEach(
        (name, input) ->
            json.put(
                name,
                new JsonObject()
                    .put("description", input.description())
                    .put("source", input.source().yamlName())
                    .put(
                        "key",
                        input.source() == InputSource.PARAMETER
                            ? null
                            : input.environmentVariable())
                    .put("default", input.defaultValue())
                    .put("required", input.required())));
    return json;
  }

  static String time(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
