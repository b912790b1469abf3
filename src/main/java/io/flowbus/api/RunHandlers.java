package io.flowbus.api;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.ProblemException;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Creating, starting, cancelling, pausing, resuming, retrying, reading, listing and deleting runs
 * and their tasks.
 */
final class RunHandlers {
  private static final Set<String> RUN_STATES = names(RunState.values());
  private static final Set<String> TASK_STATES = names(TaskState.values());
  private static final Set<String> BODY_KEYS = Set.of("inputs", "start");

  private final OrchestratorClient orchestrator;
  private final DefinitionsStore definitions;
  private final RunWaits waits;

  RunHandlers(OrchestratorClient orchestrator, DefinitionsStore definitions, RunWaits waits) {
    this.orchestrator = orchestrator;
    this.definitions = definitions;
    this.waits = waits;
  }

  /**
   * 201 with the run created, or 200 with the run an earlier request with the same {@code
   * Idempotency-Key} created; with {@code ?wait=}, the run as it is when the wait ends.
   */
  void create(RoutingContext rc) {
    String job = rc.pathParam("job");
    String key = IdempotencyKeyHeader.of(rc);
    Duration wait = RunWaits.param(rc);
    Map<String, String> params = new HashMap<>();
    for (String name : rc.queryParams().names()) {
      String value = Params.single(rc, name);
      if (!name.equals("wait")) {
        params.put(name, value == null ? "" : value); // ?x= gives x the empty string
      }
    }
    StrictJson.Parsed body = body(rc.body().buffer());
    boolean start = body == null || startOf(body, params);
    var request =
        new OrchestratorRequest.CreateRun(
            job,
            params,
            HeaderInputs.of(rc, definitions.current().definitions().jobs().get(job)),
            start,
            key);
    if (wait != null) {
      waits.reserve(); // before the run is created: a 503 now creates nothing
    }
    orchestrator
        .call(request)
        .onFailure(e -> releaseIf(wait))
        .compose(
            answer -> {
              JsonObject run = answer.getJsonObject("run");
              int status = answer.getBoolean("created") ? 201 : 200;
              rc.response().putHeader("Location", "/api/runs/" + run.getString("id"));
              Future<JsonObject> shown =
                  wait == null
                      ? Future.succeededFuture(run)
                      : waits.until(run.getString("id"), wait, rc.response());
              return shown.map(r -> r == null ? null : new Reply(status, r));
            })
        .onSuccess(
            reply -> {
              if (reply != null) {
                json(rc, reply.status(), reply.run());
              }
            })
        .onFailure(rc::fail);
  }

  /** What a create answers, unless the client left while it waited. */
  private record Reply(int status, JsonObject run) {}

  private void releaseIf(Duration wait) {
    if (wait != null) {
      waits.release();
    }
  }

  /**
   * Takes the body's inputs into {@code params}, refusing one the query gives too; returns whether
   * the run is to start now.
   */
  private static boolean startOf(StrictJson.Parsed parsed, Map<String, String> params) {
    JsonObject body = (JsonObject) parsed.value();
    for (String key : body.fieldNames()) {
      if (!BODY_KEYS.contains(key)) {
        throw ProblemException.badRequest(
            "unknown body field '" + key + "' (known: inputs, start)");
      }
    }
    Object inputs = body.getValue("inputs");
    if (inputs != null && !(inputs instanceof JsonObject)) {
      throw ProblemException.badRequest("'inputs' must be an object of input names to values");
    }
    if (inputs != null) {
      for (Map.Entry<String, Object> e : (JsonObject) inputs) {
        Object v = e.getValue();
        if (v instanceof JsonObject || v instanceof io.vertx.core.json.JsonArray) {
          throw ProblemException.badRequest(
              "input '" + e.getKey() + "' must be a string, number or boolean");
        }
        if (params.containsKey(e.getKey())) {
          throw ProblemException.badRequest(
              "input '"
                  + e.getKey()
                  + "' is given both as a query parameter and in the body: give it once");
        }
        String text = v instanceof Number ? parsed.inputNumberText(e.getKey()) : null;
        if (text != null) {
          params.put(e.getKey(), text); // as the client wrote it: 1e2 is not 100.0, -0 is not 0
        } else if (v != null) {
          params.put(e.getKey(), v.toString());
        }
      }
    }
    Object startValue = body.getValue("start");
    if (startValue != null && !(startValue instanceof Boolean)) {
      throw ProblemException.badRequest("'start' must be true or false");
    }
    return startValue == null || (Boolean) startValue;
  }

  private static StrictJson.Parsed body(Buffer buffer) {
    if (buffer == null || buffer.length() == 0 || buffer.toString().isBlank()) {
      return null;
    }
    StrictJson.Parsed parsed = StrictJson.read(buffer);
    if (parsed.value() instanceof JsonObject) {
      return parsed;
    }
    throw ProblemException.badRequest(
        "the body must be a JSON object such as {\"inputs\": {...}, \"start\": true}");
  }

  void start(RoutingContext rc) {
    forward(rc, new OrchestratorRequest.StartRun(Params.runId(rc)));
  }

  void cancel(RoutingContext rc) {
    forward(rc, new OrchestratorRequest.CancelRun(Params.runId(rc)));
  }

  void pause(RoutingContext rc) {
    forward(rc, new OrchestratorRequest.PauseRun(Params.runId(rc)));
  }

  void resume(RoutingContext rc) {
    forward(rc, new OrchestratorRequest.ResumeRun(Params.runId(rc)));
  }

  void retry(RoutingContext rc) {
    forward(rc, new OrchestratorRequest.RetryRun(Params.runId(rc)));
  }

  /** The run; with {@code ?wait=}, once it has ended or the time has passed. */
  void get(RoutingContext rc) {
    Params.only(rc, Set.of("wait"));
    String runId = Params.runId(rc);
    Duration wait = RunWaits.param(rc);
    if (wait == null) {
      forward(rc, new OrchestratorRequest.GetRun(runId));
      return;
    }
    waits.reserve();
    waits
        .until(runId, wait, rc.response())
        .onSuccess(
            run -> {
              if (run != null) {
                json(rc, 200, run);
              }
            })
        .onFailure(rc::fail);
  }

  void delete(RoutingContext rc) {
    orchestrator
        .call(new OrchestratorRequest.DeleteRun(Params.runId(rc)))
        .onSuccess(v -> rc.response().setStatusCode(204).end())
        .onFailure(rc::fail);
  }

  void list(RoutingContext rc) {
    Params.only(rc, Set.of("job", "state", "limit", "after"));
    forward(
        rc,
        new OrchestratorRequest.ListRuns(
            Params.single(rc, "job"),
            Params.oneOf(rc, "state", RUN_STATES),
            orDefault(Params.integer(rc, "limit", 1, 1000), 50),
            Params.runCursor(rc)));
  }

  void tasks(RoutingContext rc) {
    Params.only(rc, Set.of("stage", "state", "limit", "after"));
    forward(
        rc,
        new OrchestratorRequest.ListTasks(
            Params.runId(rc),
            Params.integer(rc, "stage", 0, Integer.MAX_VALUE),
            Params.oneOf(rc, "state", TASK_STATES),
            orDefault(Params.integer(rc, "limit", 1, 10_000), 100),
            Params.single(rc, "after")));
  }

  void failures(RoutingContext rc) {
    Params.only(rc, Set.of("limit", "after"));
    forward(
        rc,
        new OrchestratorRequest.ListFailures(
            Params.runId(rc),
            orDefault(Params.integer(rc, "limit", 1, 10_000), 100),
            Params.single(rc, "after")));
  }

  void notifications(RoutingContext rc) {
    ListPages pages = ListPages.of(rc);
    orchestrator
        .call(new OrchestratorRequest.ListNotifications(Params.runId(rc)))
        .map(pages::page)
        .onSuccess(page -> json(rc, 200, page))
        .onFailure(rc::fail);
  }

  void task(RoutingContext rc) {
    forward(rc, new OrchestratorRequest.GetTask(Params.runId(rc), rc.pathParam("task")));
  }

  void cluster(RoutingContext rc, String self) {
    orchestrator
        .call(new OrchestratorRequest.ClusterView())
        .onSuccess(c -> json(rc, 200, new JsonObject().put("self", self).mergeIn(c)))
        .onFailure(rc::fail);
  }

  private void forward(RoutingContext rc, OrchestratorRequest request) {
    orchestrator.call(request).onSuccess(result -> json(rc, 200, result)).onFailure(rc::fail);
  }

  static void json(RoutingContext rc, int status, JsonObject body) {
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static Set<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).collect(Collectors.toUnmodifiableSet());
  }
}
