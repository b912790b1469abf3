package io.flowbus.controller;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.ProblemException;
import io.flowbus.model.Definitions;
import io.flowbus.model.ScheduleDef;
import io.flowbus.model.ScheduleEvent;
import io.flowbus.model.ScheduleState;
import io.flowbus.views.ScheduleViews;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;

/**
 * The schedules' side of the REST API: list and show them, pause and resume them (durably: the
 * journal keeps it across failover and restart), and trigger a run by hand.
 */
final class ScheduleCommands {
  private final Clock clock;
  private final DefinitionsStore definitions;
  private final ScheduleBook book;
  private final ScheduleFires fires;
  private final Runs runs;

  ScheduleCommands(
      Clock clock,
      DefinitionsStore definitions,
      ScheduleBook book,
      ScheduleFires fires,
      Runs runs) {
    this.clock = clock;
    this.definitions = definitions;
    this.book = book;
    this.fires = fires;
    this.runs = runs;
  }

  /** {@code {"items": [...]}}, in the order of the definitions. */
  JsonObject list() {
    Definitions defs = definitions.current().definitions();
    JsonArray items = new JsonArray();
    defs.schedules().values().forEach(s -> items.add(view(defs, s)));
    return new JsonObject().put("items", items);
  }

  JsonObject get(String id) {
    Definitions defs = definitions.current().definitions();
    return view(defs, find(defs, id));
  }

  Future<JsonObject> pause(String id) {
    return change(id, true);
  }

  Future<JsonObject> resume(String id) {
    return change(id, false);
  }

  /** Answers as a run creation does: {@code {"created": true, "run": {...}}}. */
  Future<JsonObject> trigger(String id) {
    return fires.trigger(find(definitions.current().definitions(), id));
  }

  /** Pauses or resumes; a schedule already so is answered as it is. */
  private Future<JsonObject> change(String id, boolean pause) {
    find(definitions.current().definitions(), id);
    if (book.get(id).paused() == pause) {
      return Future.succeededFuture(get(id));
    }
    Instant now = clock.instant();
    ScheduleEvent event =
        pause ? new ScheduleEvent.Paused(now, id) : new ScheduleEvent.Resumed(now, id);
    return book.record(event).map(v -> get(id));
  }

  private JsonObject view(Definitions defs, ScheduleDef schedule) {
    ScheduleState state = book.get(schedule.id());
    if (state.lastRun() != null && !runs.contains(state.lastRun())) {
      state = state.withRun(null); // deleted since (by hand or by retention): not shown
    }
    Instant next = schedule.nextDue(state, clock.instant()).orElse(null);
    return ScheduleViews.schedule(schedule, defs.job(schedule.job()).orElse(null), state, next);
  }

  private static ScheduleDef find(Definitions defs, String id) {
    return defs.schedule(id)
        .orElseThrow(
            () ->
                new ProblemException(
                    404, "Schedule not found", "no schedule has the id '" + id + "'"));
  }
}
