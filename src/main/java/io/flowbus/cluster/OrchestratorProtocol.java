package io.flowbus.cluster;

import io.flowbus.cluster.OrchestratorRequest.CancelRun;
import io.flowbus.cluster.OrchestratorRequest.ClusterView;
import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.cluster.OrchestratorRequest.DeleteRun;
import io.flowbus.cluster.OrchestratorRequest.Follow;
import io.flowbus.cluster.OrchestratorRequest.GetRun;
import io.flowbus.cluster.OrchestratorRequest.GetTask;
import io.flowbus.cluster.OrchestratorRequest.ListFailures;
import io.flowbus.cluster.OrchestratorRequest.ListNotifications;
import io.flowbus.cluster.OrchestratorRequest.ListRuns;
import io.flowbus.cluster.OrchestratorRequest.ListTasks;
import io.flowbus.cluster.OrchestratorRequest.PauseRun;
import io.flowbus.cluster.OrchestratorRequest.ResumeRun;
import io.flowbus.cluster.OrchestratorRequest.RetryRun;
import io.flowbus.cluster.OrchestratorRequest.RunSnapshot;
import io.flowbus.cluster.OrchestratorRequest.StartRun;
import io.flowbus.cluster.OrchestratorRequest.WatchRun;
import io.flowbus.cluster.ScheduleRequest.GetSchedule;
import io.flowbus.cluster.ScheduleRequest.ListSchedules;
import io.flowbus.cluster.ScheduleRequest.PauseSchedule;
import io.flowbus.cluster.ScheduleRequest.ResumeSchedule;
import io.flowbus.cluster.ScheduleRequest.TriggerSchedule;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The wire form of {@link OrchestratorRequest}s: a JSON object whose {@code op} names the record,
 * its components as snake_case fields. The only place that knows the names.
 */
public final class OrchestratorProtocol {
  private OrchestratorProtocol() {}

  public static JsonObject encode(OrchestratorRequest request) {
    return request instanceof OrchestratorRequest.Read read
        ? read.accept(new ReadEncoder())
        : ((OrchestratorRequest.Write) request).accept(new WriteEncoder());
  }

  /** The request {@code json} encodes; a 400 {@link ProblemException} if it encodes none. */
  public static OrchestratorRequest decode(JsonObject json) {
    Function<JsonObject, OrchestratorRequest> decoder = DECODERS.get(json.getString("op", ""));
    if (decoder == null) {
      throw ProblemException.badRequest("unknown operation");
    }
    try {
      return decoder.apply(json);
    } catch (ClassCastException e) {
      throw ProblemException.badRequest("malformed operation: " + e.getMessage());
    }
  }

  /** Each request's decoder, by its {@code op}. */
  private static final Map<String, Function<JsonObject, OrchestratorRequest>> DECODERS =
      Map.ofEntries(
          Map.entry("create", OrchestratorProtocol::createRun),
          Map.entry("start", j -> new StartRun(j.getString("id"))),
          Map.entry("cancel", j -> new CancelRun(j.getString("id"))),
          Map.entry("delete", j -> new DeleteRun(j.getString("id"))),
          Map.entry("pause", j -> new PauseRun(j.getString("id"))),
          Map.entry("resume", j -> new ResumeRun(j.getString("id"))),
          Map.entry("retry", j -> new RetryRun(j.getString("id"))),
          Map.entry("get", j -> new GetRun(j.getString("id"))),
          Map.entry("snapshot", j -> new RunSnapshot(j.getString("id"), follow(j))),
          Map.entry("watch", j -> new WatchRun(j.getString("id"), follow(j))),
          Map.entry("list", OrchestratorProtocol::listRuns),
          Map.entry("tasks", OrchestratorProtocol::listTasks),
          Map.entry("task", j -> new GetTask(j.getString("id"), j.getString("task"))),
          Map.entry(
              "failures",
              j ->
                  new ListFailures(
                      j.getString("id"), j.getInteger("limit", 100), j.getString("after"))),
          Map.entry("notifications", j -> new ListNotifications(j.getString("id"))),
          Map.entry("cluster", j -> new ClusterView()),
          Map.entry("schedules", j -> new ListSchedules()),
          Map.entry("schedule", j -> new GetSchedule(j.getString("schedule"))),
          Map.entry("pause_schedule", j -> new PauseSchedule(j.getString("schedule"))),
          Map.entry("resume_schedule", j -> new ResumeSchedule(j.getString("schedule"))),
          Map.entry("trigger_schedule", j -> new TriggerSchedule(j.getString("schedule"))));

  private static CreateRun createRun(JsonObject json) {
    return new CreateRun(
        json.getString("job"),
        strings(json.getJsonObject("params")),
        strings(json.getJsonObject("headers")),
        json.getBoolean("start", true),
        json.getString("idempotency_key"));
  }

  private static ListRuns listRuns(JsonObject json) {
    return new ListRuns(
        json.getString("job"),
        json.getString("state"),
        json.getInteger("limit", 50),
        json.getString("after"));
  }

  private static ListTasks listTasks(JsonObject json) {
    return new ListTasks(
        json.getString("id"),
        json.getInteger("stage"),
        json.getString("state"),
        json.getInteger("limit", 100),
        json.getString("after"));
  }

  /** What the follower listens for; every change unless it says. */
  private static Follow follow(JsonObject json) {
    return Follow.valueOf(json.getString("follow", Follow.EVERY_CHANGE.name()));
  }

  private static Map<String, String> strings(JsonObject json) {
    Map<String, String> out = new HashMap<>();
    if (json != null) {
      json.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return out;
  }

  private static JsonObject schedule(String name, String scheduleId) {
    return new JsonObject().put("op", name).put("schedule", scheduleId);
  }

  private static JsonObject op(String name, String id) {
    return new JsonObject().put("op", name).put("id", id);
  }

  private static final class ReadEncoder implements OrchestratorRequest.Reads<JsonObject> {
    @Override
    public JsonObject get(GetRun r) {
      return op("get", r.runId());
    }

    @Override
    public JsonObject snapshot(RunSnapshot r) {
      return op("snapshot", r.runId()).put("follow", r.follow().name());
    }

    @Override
    public JsonObject watch(WatchRun r) {
      return op("watch", r.runId()).put("follow", r.follow().name());
    }

    @Override
    public JsonObject list(ListRuns r) {
      return new JsonObject()
          .put("op", "list")
          .put("job", r.job())
          .put("state", r.state())
          .put("limit", r.limit())
          .put("after", r.after());
    }

    @Override
    public JsonObject tasks(ListTasks r) {
      return op("tasks", r.runId())
          .put("stage", r.stage())
          .put("state", r.state())
          .put("limit", r.limit())
          .put("after", r.after());
    }

    @Override
    public JsonObject task(GetTask r) {
      return op("task", r.runId()).put("task", r.taskId());
    }

    @Override
    public JsonObject failures(ListFailures r) {
      return op("failures", r.runId()).put("limit", r.limit()).put("after", r.after());
    }

    @Override
    public JsonObject notifications(ListNotifications r) {
      return op("notifications", r.runId());
    }

    @Override
    public JsonObject cluster(ClusterView r) {
      return new JsonObject().put("op", "cluster");
    }

    @Override
    public JsonObject schedules(ListSchedules r) {
      return new JsonObject().put("op", "schedules");
    }

    @Override
    public JsonObject schedule(GetSchedule r) {
      return OrchestratorProtocol.schedule("schedule", r.scheduleId());
    }
  }

  private static final class WriteEncoder implements OrchestratorRequest.Writes<JsonObject> {
    @Override
    public JsonObject create(CreateRun r) {
      return new JsonObject()
          .put("op", "create")
          .put("job", r.job())
          .put("params", new JsonObject(new HashMap<>(r.params())))
          .put("headers", new JsonObject(new HashMap<>(r.headers())))
          .put("start", r.start())
          .put("idempotency_key", r.idempotencyKey());
    }

    @Override
    public JsonObject start(StartRun r) {
      return op("start", r.runId());
    }

    @Override
    public JsonObject cancel(CancelRun r) {
      return op("cancel", r.runId());
    }

    @Override
    public JsonObject delete(DeleteRun r) {
      return op("delete", r.runId());
    }

    @Override
    public JsonObject pause(PauseRun r) {
      return op("pause", r.runId());
    }

    @Override
    public JsonObject resume(ResumeRun r) {
      return op("resume", r.runId());
    }

    @Override
    public JsonObject retry(RetryRun r) {
      return op("retry", r.runId());
    }

    @Override
    public JsonObject pauseSchedule(PauseSchedule r) {
      return schedule("pause_schedule", r.scheduleId());
    }

    @Override
    public JsonObject resumeSchedule(ResumeSchedule r) {
      return schedule("resume_schedule", r.scheduleId());
    }

    @Override
    public JsonObject triggerSchedule(TriggerSchedule r) {
      return schedule("trigger_schedule", r.scheduleId());
    }
  }
}
