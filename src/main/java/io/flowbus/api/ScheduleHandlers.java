package io.flowbus.api;

import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.ScheduleRequest.GetSchedule;
import io.flowbus.cluster.ScheduleRequest.ListSchedules;
import io.flowbus.cluster.ScheduleRequest.PauseSchedule;
import io.flowbus.cluster.ScheduleRequest.ResumeSchedule;
import io.flowbus.cluster.ScheduleRequest.TriggerSchedule;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Listing, showing, pausing, resuming and triggering schedules. */
final class ScheduleHandlers {
  private final OrchestratorClient orchestrator;

  ScheduleHandlers(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  void list(RoutingContext rc) {
    ListPages pages = ListPages.of(rc);
    orchestrator
        .call(new ListSchedules())
        .map(pages::page)
        .onSuccess(page -> RunHandlers.json(rc, 200, page))
        .onFailure(rc::fail);
  }

  void get(RoutingContext rc) {
    forward(rc, new GetSchedule(id(rc)));
  }

  void pause(RoutingContext rc) {
    forward(rc, new PauseSchedule(id(rc)));
  }

  void resume(RoutingContext rc) {
    forward(rc, new ResumeSchedule(id(rc)));
  }

  /** 201 with the run created and its {@code Location}, as a run creation answers. */
  void trigger(RoutingContext rc) {
    Params.only(rc, Set.of());
    orchestrator
        .call(new TriggerSchedule(id(rc)))
        .onSuccess(
            answer -> {
              JsonObject run = answer.getJsonObject("run");
              rc.response().putHeader("Location", "/api/runs/" + run.getString("id"));
              RunHandlers.json(rc, 201, run);
            })
        .onFailure(rc::fail);
  }

  private static String id(RoutingContext rc) {
    return rc.pathParam("id");
  }

  private void forward(RoutingContext rc, OrchestratorRequest request) {
    Params.only(rc, Set.of());
    orchestrator
        .call(request)
        .onSuccess(result -> RunHandlers.json(rc, 200, result))
        .onFailure(rc::fail);
  }
}
