package io.flowbus.controller;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.cluster.ProblemException;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.flowbus.model.Overlap;
import io.flowbus.model.Run;
import io.flowbus.model.ScheduleDef;
import io.flowbus.model.ScheduleEvent;
import io.flowbus.model.Trigger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the runs of schedules. A due time is journaled as fired before its run is created, and the
 * run is created with the key {@link ScheduleDef#idempotencyKey}: an orchestrator that takes over
 * and finds a fire whose run it does not know creates it with the same key, which finds the run if
 * its predecessor created it. Each due time starts one run, not zero and not two.
 */
final class ScheduleFires {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduleFires.class);

  private final Clock clock;
  private final DefinitionsStore definitions;
  private final ScheduleBook book;
  private final RunCreation creation;
  private final IdempotencyKeys keys;
  private final Runs runs;
  private final DurableEffects durable;
  private final RunCoordinator coordinator;

  ScheduleFires(
      Clock clock,
      DefinitionsStore definitions,
      ScheduleBook book,
      RunCreation creation,
      IdempotencyKeys keys,
      Runs runs,
      DurableEffects durable,
      RunCoordinator coordinator) {
    this.clock = clock;
    this.definitions = definitions;
    this.book = book;
    this.creation = creation;
    this.keys = keys;
    this.runs = runs;
    this.durable = durable;
    this.coordinator = coordinator;
  }

  /**
   * Fires {@code dueAt}: journaled first, then the previous run cancelled if asked, then the run.
   */
  Future<JsonObject> fire(ScheduleDef schedule, Instant dueAt) {
    return book.record(
            new ScheduleEvent.Fired(clock.instant(), schedule.id(), dueAt, schedule.job()))
        .compose(v -> cancelPreviousIfAsked(schedule, dueAt))
        .compose(v -> create(schedule, dueAt));
  }

  /**
   * Completes a fire whose run is not known: the run created with its key, or a new one with it
   * (after cancelling the previous run, if the schedule asks for that).
   *
   * @param schedule the schedule as defined now; null if it is no longer defined
   */
  Future<JsonObject> complete(ScheduleDef schedule, ScheduleEvent.Fired fired) {
    String key = ScheduleDef.idempotencyKeyOf(fired.schedule(), fired.dueAt());
    IdempotencyKeys.Entry entry = keys.find(fired.job(), key);
    if (entry != null) {
      return durable
          .settled(entry.runId())
          .compose(
              v -> {
                Run run = runs.get(entry.runId());
                if (run == null) {
                  keys.forget(entry.runId()); // its creation was undone
                  return complete(schedule, fired);
                }
                return started(fired, run);
              });
    }
    if (schedule == null || !schedule.job().equals(fired.job())) {
      return skip(fired.schedule(), fired.dueAt(), "the schedule changed before its run was made")
          .mapEmpty();
    }
    return cancelPreviousIfAsked(schedule, fired.dueAt())
        .compose(v -> create(schedule, fired.dueAt()));
  }

  /** A run of the schedule now, by hand: not bound to a due time, and no due time is used up. */
  Future<JsonObject> trigger(ScheduleDef schedule) {
    return create(schedule, null);
  }

  private Future<JsonObject> create(ScheduleDef schedule, Instant dueAt) {
    JobDef job = definitions.current().definitions().job(schedule.job()).orElse(null);
    String key = dueAt == null ? null : schedule.idempotencyKey(dueAt);
    CreateRun request = request(schedule, job, key);
    Future<JsonObject> made;
    try {
      made = creation.create(request, new Trigger(schedule.id(), dueAt));
    } catch (RuntimeException e) { // a job or inputs it refuses at once
      made = Future.failedFuture(e);
    }
    return made.recover(
            e -> {
              if (dueAt != null && e instanceof ProblemException p && p.status() < 500) {
                // the run cannot be made at all (its job went away): the due time is used up
                return skip(schedule.id(), dueAt, p.getMessage())
                    .compose(v -> Future.failedFuture(e));
              }
              return Future.failedFuture(e);
            })
        .compose(answer -> recordRun(schedule.id(), dueAt, answer));
  }

  private Future<JsonObject> started(ScheduleEvent.Fired fired, Run run) {
    JsonObject answer =
        new JsonObject().put("created", false).put("run", new JsonObject().put("id", run.id()));
    return recordRun(fired.schedule(), fired.dueAt(), answer);
  }

  /** Notes the run; if that cannot be written, the run still stands (the answer is not lost). */
  private Future<JsonObject> recordRun(String schedule, Instant dueAt, JsonObject answer) {
    String runId = answer.getJsonObject("run").getString("id");
    return book.record(new ScheduleEvent.RunStarted(clock.instant(), schedule, dueAt, runId))
        .map(answer)
        .recover(
            e -> {
              LOG.warn("schedule {}: run {} is not noted yet: {}", schedule, runId, e.getMessage());
              return Future.succeededFuture(answer);
            });
  }

  private Future<Void> skip(String schedule, Instant dueAt, String reason) {
    LOG.warn("schedule {}: due time {} skipped: {}", schedule, dueAt, reason);
    return book.record(new ScheduleEvent.Skipped(clock.instant(), schedule, dueAt, reason));
  }

  private Future<Void> cancelPreviousIfAsked(ScheduleDef schedule, Instant dueAt) {
    return schedule.overlap() == Overlap.CANCEL_PREVIOUS
        ? cancelPrevious(schedule, dueAt)
        : Future.succeededFuture();
  }

  private Future<Void> cancelPrevious(ScheduleDef schedule, Instant dueAt) {
    String last = book.get(schedule.id()).lastRun();
    Run run = last == null ? null : runs.get(last);
    if (run == null || run.state().ended()) {
      return Future.succeededFuture();
    }
    return durable
        .settled(run.id())
        .compose(
            v ->
                durable.step(
                    () -> {
                      if (!run.state().ended() && runs.get(run.id()) == run) {
                        coordinator.cancel(
                            run,
                            "cancelled by schedule "
                                + schedule.id()
                                + ": its run due "
                                + dueAt
                                + " starts");
                      }
                      return null;
                    }))
        .mapEmpty();
  }

  /**
   * The run request of a schedule: its values of parameter inputs as parameters, those of
   * http-header inputs as if sent in their header.
   */
  static CreateRun request(ScheduleDef schedule, JobDef job, String idempotencyKey) {
    Map<String, String> params = new HashMap<>();
    Map<String, String> headers = new HashMap<>();
    schedule
        .inputs()
        .forEach(
            (name, value) -> {
              InputSpec spec = job == null ? null : job.inputs().get(name);
              if (spec != null && spec.source() == InputSource.HTTP_HEADER) {
                headers.put(spec.key().toLowerCase(Locale.ROOT), value);
              } else {
                params.put(name, value);
              }
            });
    return new CreateRun(schedule.job(), params, headers, true, idempotencyKey);
  }
}
