package io.flowbus.controller;

import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.Problems;
import io.flowbus.model.JobDef;
import io.flowbus.model.Run;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The run operations of the REST API, answered by the orchestrating node from the runs it holds.
 * Any controller forwards here over the event bus; failures travel as problem details.
 */
final class OrchestratorApi {
  private final Orchestrator orchestrator;
  private final Set<String> archived = new HashSet<>();

  OrchestratorApi(Orchestrator orchestrator) {
    this.orchestrator = orchestrator;
  }

  void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    try {
      switch (body.getString("op", "")) {
        case "create" -> create(message, body);
        case "start" -> answer(message, durable().step(() -> start(run(body))));
        case "cancel" -> answer(message, durable().step(() -> cancel(run(body))));
        case "get" -> read(message, body, () -> RunViews.run(run(body)));
        case "snapshot" -> read(message, body, () -> snapshot(run(body)));
        case "list" -> read(message, null, () -> list(body));
        case "tasks" -> read(message, body, () -> tasks(run(body), body));
        case "task" -> read(message, body, () -> task(run(body), body.getString("task")));
        case "delete" -> delete(message, run(body));
        case "cluster" -> read(message, null, this::cluster);
        default ->
            throw new ProblemException(Problems.problem(400, "Bad request", "unknown operation"));
      }
    } catch (ProblemException e) {
      Problems.fail(message, e.problem);
    } catch (RuntimeException e) {
      Problems.fail(message, Problems.problem(500, "Internal error", e.toString()));
    }
  }

  /** A failed operation with the problem to answer. */
  static final class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized
    final JsonObject problem;

    ProblemException(JsonObject problem) {
      super(problem.getString("detail"));
      this.problem = problem;
    }
  }

  private DurableEffects durable() {
    return orchestrator.durable();
  }

  /**
   * Answers a read once the changes on their way for the run (for every run if {@code body} is
   * null) are durable or undone: a change is never shown before it is in the journal.
   */
  private void read(Message<JsonObject> message, JsonObject body, Supplier<JsonObject> view) {
    String id = body == null ? null : body.getString("id");
    Future<Void> settled = body == null ? durable().settled() : durable().settled(id);
    if (settled.isComplete()) {
      message.reply(view.get());
    } else {
      answer(message, settled.map(v -> view.get()));
    }
  }

  /** Answers with the view once the operation is durable; a 503 if it could not be written. */
  private static void answer(Message<JsonObject> message, Future<JsonObject> done) {
    done.onComplete(
        ar -> {
          if (ar.succeeded()) {
            message.reply(ar.result());
          } else if (ar.cause() instanceof ProblemException e) {
            Problems.fail(message, e.problem);
          } else if (ar.cause() instanceof DurableEffects.NotWritten e) {
            Problems.fail(message, Problems.problem(503, "Journal not writable", e.getMessage()));
          } else {
            Problems.fail(message, Problems.problem(500, "Internal error", ar.cause().toString()));
          }
        });
  }

  private Run run(JsonObject body) {
    String id = body.getString("id");
    Run run = id == null ? null : orchestrator.runs().get(id);
    if (run == null) {
      throw new ProblemException(
          Problems.problem(404, "Run not found", "no run has the id '" + id + "'"));
    }
    return run;
  }

  private void create(Message<JsonObject> message, JsonObject body) {
    DefinitionsStore.Version version = orchestrator.definitions().current();
    String jobId = body.getString("job");
    JobDef job =
        version
            .definitions()
            .job(jobId)
            .orElseThrow(
                () ->
                    new ProblemException(
                        Problems.problem(
                            404, "Job not found", "no job has the id '" + jobId + "'")));
    RunRequests.Inputs inputs;
    try {
      inputs =
          RunRequests.resolve(
              job, strings(body.getJsonObject("params")), strings(body.getJsonObject("headers")));
    } catch (RunRequests.RejectedException e) {
      throw new ProblemException(e.problem);
    }
    archive(version)
        .onSuccess(
            v -> {
              RunPlan plan = RunPlan.of(version.definitions(), job, version.version());
              answer(
                  message,
                  durable()
                      .step(
                          () -> {
                            Run run =
                                orchestrator
                                    .coordinator()
                                    .create(
                                        orchestrator.ids().next(),
                                        plan,
                                        inputs.values(),
                                        inputs.secrets());
                            if (body.getBoolean("start", true)) {
                              orchestrator.coordinator().start(run);
                            }
                            return RunViews.run(run);
                          }));
            })
        .onFailure(
            e ->
                Problems.fail(
                    message,
                    Problems.problem(
                        503, "Journal not writable", "cannot keep the definitions: " + e)));
  }

  /** The definitions a run was planned from are kept beside the journals, once per version. */
  private Future<Void> archive(DefinitionsStore.Version version) {
    if (archived.contains(version.version())) {
      return Future.succeededFuture();
    }
    return orchestrator
        .vertx()
        .<Void>executeBlocking(
            () -> {
              orchestrator.store().archiveDefinitions(version.version(), version.text());
              return null;
            })
        .onSuccess(v -> archived.add(version.version()));
  }

  /** The run with its version, for event streams that continue from it. */
  private static JsonObject snapshot(Run run) {
    return new JsonObject()
        .put("version", run.version())
        .put("ended", run.state().ended() && !run.hasRunningTasks())
        .put("run", RunViews.run(run));
  }

  private JsonObject start(Run run) {
    if (run.state() != RunState.CREATED) {
      throw conflict(
          "run " + run.id() + " is " + run.state() + ", only a CREATED run can be started");
    }
    orchestrator.coordinator().start(run);
    return RunViews.run(run);
  }

  private JsonObject cancel(Run run) {
    if (run.state().ended()) {
      throw conflict("run " + run.id() + " has already ended: " + run.state());
    }
    orchestrator.coordinator().cancel(run, "cancelled on request");
    return RunViews.run(run);
  }

  private void delete(Message<JsonObject> message, Run run) {
    if (!run.state().ended() || run.hasRunningTasks()) {
      throw conflict(
          "run "
              + run.id()
              + " is "
              + run.state()
              + (run.state().ended() ? " and still stopping tasks" : "")
              + ": only an ended run can be deleted");
    }
    orchestrator.runs().remove(run.id());
    orchestrator.dispatcher().forget(run.id());
    answer(
        message,
        Future.fromCompletionStage(orchestrator.store().delete(run.id()), orchestrator.context())
            .map(v -> new JsonObject().put("deleted", run.id())));
  }

  private JsonObject list(JsonObject body) {
    String job = body.getString("job");
    String state = body.getString("state");
    int limit = body.getInteger("limit", 50);
    String after = body.getString("after");
    var candidates =
        after == null
            ? orchestrator.runs().descendingMap()
            : orchestrator.runs().headMap(after, false).descendingMap();
    JsonArray items = new JsonArray();
    String last = null;
    boolean more = false;
    for (Run run : candidates.values()) {
      if ((job != null && !job.equals(run.jobId()))
          || (state != null && !state.equals(run.state().name()))) {
        continue;
      }
      if (items.size() == limit) {
        more = true;
        break;
      }
      items.add(RunViews.run(run));
      last = run.id();
    }
    return new JsonObject().put("items", items).put("next", more ? last : null);
  }

  private JsonObject tasks(Run run, JsonObject body) {
    Integer stageFilter = body.getInteger("stage");
    String state = body.getString("state");
    int limit = body.getInteger("limit", 100);
    TaskCursor after = TaskCursor.parse(body.getString("after"));
    JsonArray items = new JsonArray();
    String last = null;
    for (StageRun stage : run.stages()) {
      if ((stageFilter != null && stage.index() != stageFilter)
          || (after != null && stage.index() < after.stage())) {
        continue;
      }
      for (TaskRun task : stage.allTasks()) {
        if (after != null && !after.isBefore(task)) {
          continue;
        }
        if (state != null && !state.equals(task.state().name())) {
          continue;
        }
        if (items.size() == limit) {
          return new JsonObject().put("items", items).put("next", last);
        }
        items.add(RunViews.task(run, task));
        last = task.id();
      }
    }
    return new JsonObject().put("items", items).put("next", null);
  }

  /** Where a page of tasks ended: tasks come by stage, the spawn task first, then by index. */
  record TaskCursor(int stage, int index) {
    static TaskCursor parse(String taskId) {
      if (taskId == null) {
        return null;
      }
      var m = java.util.regex.Pattern.compile("s(\\d+)-(?:t(\\d+)|spawn)").matcher(taskId);
      if (!m.matches()) {
        throw new ProblemException(
            Problems.problem(
                400, "Bad request", "'after' must be a task id, not '" + taskId + "'"));
      }
      return new TaskCursor(
          Integer.parseInt(m.group(1)), m.group(2) == null ? -1 : Integer.parseInt(m.group(2)));
    }

    boolean isBefore(TaskRun task) {
      return task.stage() > stage || (task.stage() == stage && task.index() > index);
    }
  }

  private JsonObject task(Run run, String taskId) {
    TaskRun task =
        run.findTask(taskId == null ? "" : taskId)
            .orElseThrow(
                () ->
                    new ProblemException(
                        Problems.problem(
                            404,
                            "Task not found",
                            "run " + run.id() + " has no task '" + taskId + "'")));
    return RunViews.task(run, task);
  }

  private JsonObject cluster() {
    JsonArray nodes = new JsonArray();
    String leader = orchestrator.membership().leader().map(NodeInfo::id).orElse(null);
    for (NodeInfo node : orchestrator.membership().nodes()) {
      WorkerPool.Worker w = orchestrator.dispatcher().pool().get(node.id());
      nodes.add(
          new JsonObject()
              .put("id", node.id())
              .put(
                  "roles",
                  new JsonArray(node.roles().stream().map(r -> r.wireName()).sorted().toList()))
              .put("slots", node.isWorker() ? node.slots() : 0)
              .put("running", w == null ? 0 : w.attempts.size())
              .put("accepting", w != null && w.available)
              .put("draining", w != null && w.draining)
              .put("address", node.address())
              .put("http_port", node.httpPort())
              .put("leader", node.id().equals(leader)));
    }
    long queued = orchestrator.dispatcher().queued();
    long active = orchestrator.runs().values().stream().filter(r -> !r.state().ended()).count();
    long runningTasks =
        orchestrator.runs().values().stream()
            .filter(r -> !r.state().ended())
            .flatMap(r -> r.stages().stream())
            .mapToLong(s -> s.counts().get(TaskState.RUNNING))
            .sum();
    return new JsonObject()
        .put("leader", leader)
        .put("nodes", nodes)
        .put("runs_active", active)
        .put("tasks_running", runningTasks)
        .put("tasks_queued", queued);
  }

  private static ProblemException conflict(String detail) {
    return new ProblemException(Problems.problem(409, "Conflict", detail));
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> out = new HashMap<>();
    if (json != null) {
      json.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return out;
  }
}
