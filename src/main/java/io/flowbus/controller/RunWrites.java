package io.flowbus.controller;

import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.OrchestratorRequest.CancelRun;
import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.cluster.OrchestratorRequest.DeleteRun;
import io.flowbus.cluster.OrchestratorRequest.PauseRun;
import io.flowbus.cluster.OrchestratorRequest.ResumeRun;
import io.flowbus.cluster.OrchestratorRequest.RetryRun;
import io.flowbus.cluster.OrchestratorRequest.StartRun;
import io.flowbus.cluster.ProblemException;
import io.flowbus.cluster.ScheduleRequest.PauseSchedule;
import io.flowbus.cluster.ScheduleRequest.ResumeSchedule;
import io.flowbus.cluster.ScheduleRequest.TriggerSchedule;
import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.model.Secrets;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskState;
import io.flowbus.storage.RunStore;
import io.flowbus.views.RunViews;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * The writes of the REST API. Each answers once what it changed is in the journal ({@link
 * DurableEffects#step}), or fails: a {@link ProblemException} for a request that cannot be served,
 * {@link NotWritten} if the journal could not be written (then nothing of it was carried out).
 */
final class RunWrites implements OrchestratorRequest.Writes<Future<JsonObject>> {
  private final Context context;
  private final Runs runs;
  private final RunStore store;
  private final DurableEffects durable;
  private final RunCoordinator coordinator;
  private final ReadyQueue queue;
  private final IdempotencyKeys keys;
  private final Consumer<Run> place;
  private final RunCreation creation;
  private final ScheduleCommands schedules;

  RunWrites(
      Context context,
      Runs runs,
      RunStore store,
      DurableEffects durable,
      RunCoordinator coordinator,
      ReadyQueue queue,
      IdempotencyKeys keys,
      Consumer<Run> place,
      RunCreation creation,
      ScheduleCommands schedules) {
    this.context = context;
    this.runs = runs;
    this.store = store;
    this.durable = durable;
    this.coordinator = coordinator;
    this.queue = queue;
    this.keys = keys;
    this.place = place;
    this.creation = creation;
    this.schedules = schedules;
  }

  @Override
  public Future<JsonObject> pauseSchedule(PauseSchedule request) {
    return schedules.pause(request.scheduleId());
  }

  @Override
  public Future<JsonObject> resumeSchedule(ResumeSchedule request) {
    return schedules.resume(request.scheduleId());
  }

  /** Answers as {@link #create} does. */
  @Override
  public Future<JsonObject> triggerSchedule(TriggerSchedule request) {
    return schedules.trigger(request.scheduleId());
  }

  /**
   * Answers {@code {"created": true|false, "run": {...}}}: false when the request's idempotency key
   * was used for this job in the last 24 hours, and then the run is the one that request created.
   */
  @Override
  public Future<JsonObject> create(CreateRun request) {
    return creation.create(request);
  }

  @Override
  public Future<JsonObject> start(StartRun request) {
    return afterPendingWrites(
        request.runId(),
        () -> {
          Run run = RunQueries.find(runs, request.runId());
          if (run.state() != RunState.CREATED) {
            throw ProblemException.conflict(
                "run " + run.id() + " is " + run.state() + ": only a CREATED run can be started");
          }
          coordinator.start(run);
          return RunViews.run(run);
        });
  }

  @Override
  public Future<JsonObject> cancel(CancelRun request) {
    return afterPendingWrites(
        request.runId(),
        () -> {
          Run run = RunQueries.find(runs, request.runId());
          if (run.state().ended()) {
            throw ProblemException.conflict(
                "run " + run.id() + " has already ended: " + run.state());
          }
          coordinator.cancel(run, "cancelled on request");
          return RunViews.run(run);
        });
  }

  @Override
  public Future<JsonObject> pause(PauseRun request) {
    return afterPendingWrites(
        request.runId(),
        () -> {
          Run run = inState(request.runId(), "paused", RunState.RUNNING);
          coordinator.pause(run);
          return RunViews.run(run);
        });
  }

  @Override
  public Future<JsonObject> resume(ResumeRun request) {
    return afterPendingWrites(
        request.runId(),
        () -> {
          Run run = inState(request.runId(), "resumed", RunState.PAUSED);
          coordinator.resume(run);
          return RunViews.run(run);
        });
  }

  /**
   * Runs again, in the same run, what did not succeed; with the plan fixed at its creation. Its
   * secret inputs are kept again while it runs; a run whose secret values are no longer held (they
   * were removed when it ended, and the orchestrator changed since) cannot go on: it is refused.
   */
  @Override
  public Future<JsonObject> retry(RetryRun request) {
    Run run = RunQueries.find(runs, request.runId());
    return durable
        .settled(run.id())
        .compose(
            settled ->
                durable.step(
                    () -> {
                      inState(run.id(), "retried", RunState.FAILED, RunState.CANCELLED);
                      if (!run.isSettled()) {
                        throw ProblemException.conflict(
                            "run "
                                + run.id()
                                + " is "
                                + run.state()
                                + " and still stopping tasks: retry"
                                + " it once they stopped");
                      }
                      if (run.secretInputs().stream()
                          .anyMatch(n -> Secrets.MASK.equals(run.inputs().get(n)))) {
                        throw ProblemException.conflict(
                            "run "
                                + run.id()
                                + " is "
                                + run.state()
                                + " and its secret inputs were removed when it ended: it cannot be"
                                + " retried; start a new run");
                      }
                      coordinator.retry(run);
                      return RunViews.run(run);
                    }))
        .onSuccess(
            view -> {
              if (runs.get(run.id()) == run && waitsForSpawnEntries(run)) {
                place.accept(run);
              }
            });
  }

  /** A stage whose spawn task succeeded after its run was cancelled: its entries are not in yet. */
  private static boolean waitsForSpawnEntries(Run run) {
    return run.stages().stream()
        .anyMatch(
            (StageRun s) ->
                s.state() == TaskState.RUNNING
                    && s.spawn() != null
                    && s.spawn().state() == TaskState.SUCCEEDED
                    && !s.spawned());
  }

  /** The run, if it is in one of {@code states}; a 409 naming its state otherwise. */
  private Run inState(String runId, String what, RunState... states) {
    Run run = RunQueries.find(runs, runId);
    for (RunState state : states) {
      if (run.state() == state) {
        return run;
      }
    }
    String allowed = states.length == 1 ? "a " + states[0] : "a " + states[0] + " or " + states[1];
    throw ProblemException.conflict(
        "run " + run.id() + " is " + run.state() + ": only " + allowed + " run can be " + what);
  }

  @Override
  public Future<JsonObject> delete(DeleteRun request) {
    return durable.settled(request.runId()).compose(v -> deleteSettled(request.runId()));
  }

  /** Deletes a run whose state is durable; it leaves memory only once its files are gone. */
  private Future<JsonObject> deleteSettled(String runId) {
    Run run = RunQueries.find(runs, runId);
    if (!run.isSettled()) {
      return Future.failedFuture(
          ProblemException.conflict(
              "run "
                  + run.id()
                  + " is "
                  + run.state()
                  + (run.state().ended() ? " and still stopping tasks" : "")
                  + ": only an ended run can be deleted"));
    }
    return Future.fromCompletionStage(store.delete(run.id()), context)
        .map(
            v -> {
              runs.remove(run.id());
              queue.removeRun(run.id());
              keys.forget(run.id()); // a key of a deleted run creates a new one
              return new JsonObject().put("deleted", run.id());
            });
  }

  /**
   * Decides on the run only once the changes on their way for it are durable or undone: a state
   * that may still be rolled back is never the ground for a write.
   */
  private Future<JsonObject> afterPendingWrites(
      String runId, java.util.function.Supplier<JsonObject> change) {
    return durable.settled(runId).compose(v -> durable.step(change));
  }
}
