package io.flowbus.controller;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Changes;
import io.flowbus.model.Idempotency;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.model.Trigger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides what happens next in a run: which stage starts, which tasks are ready, when a stage and
 * the run end, what a failure stops. It takes the requests on a run (create, start, cancel, pause,
 * resume, retry); what an attempt's end means is {@link AttemptOutcomes}', moving along the stage
 * graph {@link StageAdvance}'s. It only decides; {@link Effects} carries the decisions out.
 */
public final class RunCoordinator {
  /** What the coordinator's decisions do outside the run. */
  public interface Effects {
    /** The event was applied to the run: keep it and tell whoever watches. */
    void recorded(Run run, RunEvent event, Changes changes);

    /** The task may be given to a worker (once its {@code notBefore} has passed). */
    void ready(TaskRun task);

    /** Each of the tasks may be given to a worker, in order: a stage's spawned instances. */
    default void ready(List<TaskRun> tasks) {
      tasks.forEach(this::ready);
    }

    /** The running attempt of the task is to be stopped. */
    void stop(TaskRun task, String reason);
  }

  private final Emitter emitter;
  private final AttemptOutcomes outcomes;
  private final StageAdvance stages;

  public RunCoordinator(Clock clock, Effects effects) {
    this.emitter = new Emitter(clock, effects);
    this.outcomes = new AttemptOutcomes(emitter);
    this.stages = new StageAdvance(emitter);
  }

  public Run create(String runId, RunPlan plan, Map<String, String> inputs, Set<String> secrets) {
    return create(runId, plan, inputs, secrets, null);
  }

  /** A run asked for with an idempotency key (null for none), which its creation records. */
  public Run create(
      String runId,
      RunPlan plan,
      Map<String, String> inputs,
      Set<String> secrets,
      Idempotency idempotency) {
    return create(runId, plan, inputs, secrets, idempotency, null);
  }

  /** A run a schedule starts ({@code trigger}), or one asked for over the API (null). */
  public Run create(
      String runId,
      RunPlan plan,
      Map<String, String> inputs,
      Set<String> secrets,
      Idempotency idempotency,
      Trigger trigger) {
    RunEvent.Created created =
        new RunEvent.Created(emitter.now(), runId, plan, inputs, secrets, idempotency, trigger);
    Run run = Run.create(created);
    emitter.recorded(run, created);
    return run;
  }

  public void start(Run run) {
    emitter.emit(run, new RunEvent.Started(emitter.now()));
    advance(run);
  }

  public void dispatched(Run run, TaskRun task, int attempt, String node) {
    emitter.emit(run, new RunEvent.TaskDispatched(emitter.now(), task.id(), attempt, node));
  }

  /**
   * Applies how an attempt ended (see {@link AttemptOutcomes}) and moves the run on. Returns false,
   * changing nothing, when the attempt is not the task's current one (a result of an attempt
   * already given up is never applied) or the run is DAMAGED (its journal takes nothing more).
   *
   * @param spawnEntries what a successful spawn task wrote; null otherwise
   */
  public boolean ended(
      Run run,
      TaskRun task,
      int attempt,
      AttemptState outcome,
      Integer exitCode,
      String error,
      List<Map<String, String>> spawnEntries) {
    if (!outcomes.ended(run, task, attempt, outcome, exitCode, error, spawnEntries)) {
      return false;
    }
    advance(run);
    return true;
  }

  /** The entries of a stage whose spawn task succeeded: one task instance each. */
  public void spawned(Run run, StageRun stage, List<Map<String, String>> entries) {
    outcomes.spawned(run, stage, entries);
    advance(run);
  }

  /** A task that cannot run at all, such as one missing a required input, fails at once. */
  public void rejected(Run run, TaskRun task, String reason) {
    outcomes.rejected(run, task, reason);
    advance(run);
  }

  public void cancel(Run run, String reason) {
    List<TaskRun> running =
        run.stages().stream()
            .flatMap(s -> s.allTasks().stream())
            .filter(t -> t.state() == TaskState.RUNNING)
            .toList();
    emitter.emit(run, new RunEvent.Cancelled(emitter.now(), reason));
    running.forEach(t -> emitter.stop(t, reason));
  }

  /** Gives out no new task of the run; those running go on. */
  public void pause(Run run) {
    emitter.emit(run, new RunEvent.Paused(emitter.now()));
  }

  /** Gives out the tasks of a paused run again, and moves it on. */
  public void resume(Run run) {
    emitter.emit(run, new RunEvent.Resumed(emitter.now()));
    readyAgain(run);
    advance(run);
  }

  /** How a notification of the run's end fared; it never changes the run itself. */
  public void notified(Run run, RunEvent.NotificationAttempted attempt) {
    emitter.emit(run, attempt);
  }

  /** Runs again what did not succeed in a failed or cancelled run. */
  public void retry(Run run) {
    emitter.emit(run, new RunEvent.Retried(emitter.now()));
    readyAgain(run);
    advance(run);
  }

  /** Every pending task of a running stage may be given out (tasks already queued stay once). */
  private void readyAgain(Run run) {
    for (StageRun stage : run.stages()) {
      if (stage.state() == TaskState.RUNNING) {
        stage.allTasks().stream()
            .filter(t -> t.state() == TaskState.PENDING)
            .forEach(emitter::ready);
      }
    }
  }

  /**
   * Moves the run on as far as it can go now: ends settled stages, starts every stage whose
   * dependencies all succeeded, skips those with a dependency that failed or was skipped, and ends
   * the run once every stage has ended.
   */
  public void advance(Run run) {
    stages.advance(run);
  }
}
