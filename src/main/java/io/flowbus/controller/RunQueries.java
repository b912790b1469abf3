package io.flowbus.controller;

import io.flowbus.cluster.Membership;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.OrchestratorRequest.ClusterView;
import io.flowbus.cluster.OrchestratorRequest.GetRun;
import io.flowbus.cluster.OrchestratorRequest.GetTask;
import io.flowbus.cluster.OrchestratorRequest.ListFailures;
import io.flowbus.cluster.OrchestratorRequest.ListNotifications;
import io.flowbus.cluster.OrchestratorRequest.ListRuns;
import io.flowbus.cluster.OrchestratorRequest.ListTasks;
import io.flowbus.cluster.OrchestratorRequest.RunSnapshot;
import io.flowbus.cluster.OrchestratorRequest.WatchRun;
import io.flowbus.cluster.ProblemException;
import io.flowbus.cluster.ScheduleRequest.GetSchedule;
import io.flowbus.cluster.ScheduleRequest.ListSchedules;
import io.flowbus.model.Run;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskId;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.views.NotificationViews;
import io.flowbus.views.RunViews;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The reads of the REST API, answered from the runs the orchestrator holds. */
final class RunQueries implements OrchestratorRequest.Reads<JsonObject> {
  private final Runs runs;
  private final Membership membership;
  private final Dispatcher dispatcher;
  private final ScheduleCommands schedules;
  private final RunWatchers watchers;

  RunQueries(
      Runs runs,
      Membership membership,
      Dispatcher dispatcher,
      ScheduleCommands schedules,
      RunWatchers watchers) {
    this.runs = runs;
    this.watchers = watchers;
    this.membership = membership;
    this.dispatcher = dispatcher;
    this.schedules = schedules;
  }

  @Override
  public JsonObject schedules(ListSchedules request) {
    return schedules.list();
  }

  @Override
  public JsonObject schedule(GetSchedule request) {
    return schedules.get(request.scheduleId());
  }

  /** The run, or a 404 {@link ProblemException}. */
  static Run find(Runs runs, String runId) {
    Run run = runId == null ? null : runs.get(runId);
    if (run == null) {
      throw new ProblemException(404, "Run not found", "no run has the id '" + runId + "'");
    }
    return run;
  }

  @Override
  public JsonObject get(GetRun request) {
    return RunViews.run(find(runs, request.runId()));
  }

  /** The run with its version, for event streams that continue from it. */
  @Override
  public JsonObject snapshot(RunSnapshot request) {
    Run run = find(runs, request.runId());
    // its changes from now on are published: none falls in between
    watchers.watch(run.id(), request.follow());
    return new JsonObject()
        .put("version", run.version())
        .put("ended", run.isSettled())
        .put("run", RunViews.run(run));
  }

  @Override
  public JsonObject watch(WatchRun request) {
    watchers.watch(find(runs, request.runId()).id(), request.follow());
    return new JsonObject();
  }

  @Override
  public JsonObject notifications(ListNotifications request) {
    return NotificationViews.list(find(runs, request.runId()));
  }

  @Override
  public JsonObject list(ListRuns request) {
    JsonArray items = new JsonArray();
    String last = null;
    boolean more = false;
    for (Run run : runs.newestFirst(request.after())) {
      if ((request.job() != null && !request.job().equals(run.jobId()))
          || (request.state() != null && !request.state().equals(run.state().name()))) {
        continue;
      }
      if (items.size() == request.limit()) {
        more = true;
        break;
      }
      items.add(RunViews.run(run));
      last = run.id();
    }
    return new JsonObject().put("items", items).put("next", more ? last : null);
  }

  /** Tasks come by stage, the spawn task first, then by index; a page ends after a task id. */
  @Override
  public JsonObject tasks(ListTasks request) {
    Run run = find(runs, request.runId());
    TaskId after = cursor(request.after());
    if (request.stage() != null && request.stage() >= run.stages().size()) {
      throw ProblemException.badRequest(
          run.stages().isEmpty()
              ? "this run has no stages"
              : "'stage' must be a stage index of this run (0 to "
                  + (run.stages().size() - 1)
                  + "), not "
                  + request.stage());
    }
    JsonArray items = new JsonArray();
    String last = null;
    for (StageRun stage : run.stages()) {
      if ((request.stage() != null && stage.index() != request.stage())
          || (after != null && stage.index() < after.stage())) {
        continue;
      }
      for (TaskRun task : stage.allTasks()) {
        if ((after != null && TaskId.task(task.stage(), task.index()).compareTo(after) <= 0)
            || (request.state() != null && !request.state().equals(task.state().name()))) {
          continue;
        }
        if (items.size() == request.limit()) {
          return new JsonObject().put("items", items).put("next", last);
        }
        items.add(RunViews.task(run, task));
        last = task.id();
      }
    }
    return new JsonObject().put("items", items).put("next", null);
  }

  /** Every failed task of the run, by stage and index, paged like its tasks. */
  @Override
  public JsonObject failures(ListFailures request) {
    Run run = find(runs, request.runId());
    TaskId after = cursor(request.after());
    JsonArray items = new JsonArray();
    String last = null;
    for (StageRun stage : run.stages()) {
      if (stage.counts().get(TaskState.FAILED) == 0
          && (stage.spawn() == null || stage.spawn().state() != TaskState.FAILED)) {
        continue;
      }
      for (TaskRun task : stage.allTasks()) {
        if (task.state() != TaskState.FAILED
            || (after != null && TaskId.task(task.stage(), task.index()).compareTo(after) <= 0)) {
          continue;
        }
        if (items.size() == request.limit()) {
          return new JsonObject().put("items", items).put("next", last);
        }
        items.add(RunViews.failure(run, task));
        last = task.id();
      }
    }
    return new JsonObject().put("items", items).put("next", null);
  }

  private static TaskId cursor(String after) {
    if (after == null) {
      return null;
    }
    return TaskId.parse(after)
        .orElseThrow(
            () -> ProblemException.badRequest("'after' must be a task id, not '" + after + "'"));
  }

  @Override
  public JsonObject task(GetTask request) {
    Run run = find(runs, request.runId());
    String taskId = request.taskId();
    TaskRun task =
        run.findTask(taskId == null ? "" : taskId)
            .orElseThrow(
                () ->
                    new ProblemException(
                        404,
                        "Task not found",
                        "run " + run.id() + " has no task '" + taskId + "'"));
    return RunViews.task(run, task);
  }

  @Override
  public JsonObject cluster(ClusterView request) {
    JsonArray nodes = new JsonArray();
    String leader = membership.leader().map(NodeInfo::id).orElse(null);
    for (NodeInfo node : membership.nodes()) {
      nodes.add(node(node, leader));
    }
    long runningTasks =
        runs.all().stream()
            .filter(r -> !r.state().ended())
            .flatMap(r -> r.stages().stream())
            .mapToLong(s -> s.counts().get(TaskState.RUNNING))
            .sum();
    return new JsonObject()
        .put("leader", leader)
        .put("nodes", nodes)
        .put("runs_active", runs.notEnded())
        .put("tasks_running", runningTasks)
        .put("tasks_queued", (long) dispatcher.queued());
  }

  private JsonObject node(NodeInfo node, String leader) {
    WorkerPool.Worker w = dispatcher.pool().get(node.id());
    return new JsonObject()
        .put("id", node.id())
        .put("roles", new JsonArray(node.roles().stream().map(r -> r.wireName()).sorted().toList()))
        .put("slots", node.isWorker() ? node.slots() : 0)
        .put("running", w == null ? 0 : w.attempts.size())
        .put("accepting", w != null && w.available)
        .put("draining", w != null && w.draining)
        .put("address", node.address())
        .put("http_port", node.httpPort())
        .put("leader", node.id().equals(leader));
  }
}
