package io.flowbus.controller;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Changes;
import io.flowbus.model.Idempotency;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.Secrets;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskKind;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.model.Trigger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what happens next in a run: which stage starts, which tasks are ready, when a stage and
 * the run end, what a failure stops. It only decides; {@link Effects} carries the decisions out.
 */
public final class RunCoordinator {
  /** What the coordinator's decisions do outside the run. */
  public interface Effects {
    /** The event was applied to the run: keep it and tell whoever watches. */
    void recorded(Run run, RunEvent event, Changes changes);

    /** The task may be given to a worker (once its {@code notBefore} has passed). */
    void ready(TaskRun task);

    /** The running attempt of the task is to be stopped. */
    void stop(TaskRun task, String reason);
  }

  /** A task that took its worker down this often is not given another: it is failed. */
  static final int MAX_LOST = 5;

  private final Clock clock;
  private final Effects effects;

  public RunCoordinator(Clock clock, Effects effects) {
    this.clock = clock;
    this.effects = effects;
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
        new RunEvent.Created(clock.instant(), runId, plan, inputs, secrets, idempotency, trigger);
    Run run = Run.create(created);
    Changes changes = new Changes();
    effects.recorded(run, created, changes);
    return run;
  }

  public void start(Run run) {
    emit(run, new RunEvent.Started(clock.instant()));
    advance(run);
  }

  public void dispatched(Run run, TaskRun task, int attempt, String node) {
    emit(run, new RunEvent.TaskDispatched(clock.instant(), task.id(), attempt, node));
  }

  /**
   * Applies how an attempt ended. Returns false, changing nothing, when the attempt is not the
   * task's current one (a result of an attempt already given up is never applied) or the run is
   * DAMAGED (its journal takes nothing more).
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
    if (!task.isCurrent(attempt) || run.state() == RunState.DAMAGED) {
      return false;
    }
    error = Secrets.mask(error, run.secretValues()); // whatever the worker quoted, cut or whole
    if (outcome == AttemptState.LOST && lostTooOften(task)) {
      String reason = error + "; it lost its worker " + MAX_LOST + " times, so it is not run again";
      emit(
          run,
          new RunEvent.TaskEnded(
              clock.instant(), task.id(), attempt, outcome, exitCode, reason, null));
      failed(run, task, reason);
    } else if (outcome == AttemptState.LOST) {
      emit(run, new RunEvent.TaskLost(clock.instant(), task.id(), attempt, error));
      if (task.state() == TaskState.PENDING) {
        effects.ready(task);
      }
    } else {
      endAttempt(run, task, attempt, outcome, exitCode, error, spawnEntries);
    }
    advance(run);
    return true;
  }

  private void endAttempt(
      Run run,
      TaskRun task,
      int attempt,
      AttemptState outcome,
      Integer exitCode,
      String error,
      List<Map<String, String>> spawnEntries) {
    StageRun stage = run.stage(task.stage());
    boolean mayRetry = outcome == AttemptState.FAILED && run.state().active() && !stage.aborting();
    var retryAt =
        mayRetry
            ? RetryPolicy.retryAt(run.plan().taskClass(task.taskClass()), task, clock.instant())
            : null;
    emit(
        run,
        new RunEvent.TaskEnded(
            clock.instant(), task.id(), attempt, outcome, exitCode, error, retryAt));
    if (retryAt != null) {
      effects.ready(task);
    } else if (task.kind() == TaskKind.SPAWN
        && outcome == AttemptState.SUCCEEDED
        && run.state().active()) {
      spawnedWithoutAdvance(run, stage, spawnEntries);
    } else if (task.state() == TaskState.FAILED) {
      failed(run, task, error);
    }
  }

  /** The entries of a stage whose spawn task succeeded: one task instance each. */
  public void spawned(Run run, StageRun stage, List<Map<String, String>> entries) {
    spawnedWithoutAdvance(run, stage, entries);
    advance(run);
  }

  private void spawnedWithoutAdvance(Run run, StageRun stage, List<Map<String, String>> entries) {
    emit(run, new RunEvent.Spawned(clock.instant(), stage.index(), entries));
    stage.tasks().forEach(effects::ready);
  }

  /** A task that cannot run at all, such as one missing a required input, fails at once. */
  public void rejected(Run run, TaskRun task, String reason) {
    String error = Secrets.mask(reason, run.secretValues());
    emit(run, new RunEvent.TaskRejected(clock.instant(), task.id(), error));
    failed(run, task, error);
    advance(run);
  }

  private void failed(Run run, TaskRun task, String error) {
    StageRun stage = run.stage(task.stage());
    if (task.kind() == TaskKind.TASK
        && !stage.aborting()
        && run.state().active()
        && StageFailures.overTolerance(stage)) {
      String reason = StageFailures.abortReason(stage, task, error);
      emit(run, new RunEvent.StageAborted(clock.instant(), stage.index(), reason));
      for (TaskRun other : stage.tasks()) {
        if (other.state() == TaskState.RUNNING) {
          effects.stop(other, "stage " + stage.index() + " failed: " + reason);
        }
      }
    }
  }

  public void cancel(Run run, String reason) {
    List<TaskRun> running =
        run.stages().stream()
            .flatMap(s -> s.allTasks().stream())
            .filter(t -> t.state() == TaskState.RUNNING)
            .toList();
    emit(run, new RunEvent.Cancelled(clock.instant(), reason));
    running.forEach(t -> effects.stop(t, reason));
  }

  /** Gives out no new task of the run; those running go on. */
  public void pause(Run run) {
    emit(run, new RunEvent.Paused(clock.instant()));
  }

  /** Gives out the tasks of a paused run again, and moves it on. */
  public void resume(Run run) {
    emit(run, new RunEvent.Resumed(clock.instant()));
    readyAgain(run);
    advance(run);
  }

  /** How a notification of the run's end fared; it never changes the run itself. */
  public void notified(Run run, RunEvent.NotificationAttempted attempt) {
    emit(run, attempt);
  }

  /** Runs again what did not succeed in a failed or cancelled run. */
  public void retry(Run run) {
    emit(run, new RunEvent.Retried(clock.instant()));
    readyAgain(run);
    advance(run);
  }

  /** Every pending task of a running stage may be given out (tasks already queued stay once). */
  private void readyAgain(Run run) {
    for (StageRun stage : run.stages()) {
      if (stage.state() == TaskState.RUNNING) {
        stage.allTasks().stream()
            .filter(t -> t.state() == TaskState.PENDING)
            .forEach(effects::ready);
      }
    }
  }

  /**
   * Moves the run on as far as it can go now: ends settled stages, starts every stage whose
   * dependencies all succeeded, skips those with a dependency that failed or was skipped, and ends
   * the run once every stage has ended.
   */
  public void advance(Run run) {
    boolean moved = true;
    while (moved && run.state().active()) {
      moved = false;
      for (StageRun stage : run.stages()) {
        moved |= step(run, stage);
      }
    }
    if (run.state().active() && run.stages().stream().allMatch(s -> s.state().ended())) {
      Optional<StageRun> failed =
          run.stages().stream().filter(s -> s.state() == TaskState.FAILED).findFirst();
      emit(
          run,
          new RunEvent.Ended(
              clock.instant(),
              failed.isEmpty() ? RunState.SUCCEEDED : RunState.FAILED,
              failed.map(s -> describe(s) + " failed: " + s.error()).orElse(null)));
    }
  }

  /** Moves one stage on if it can; says whether it did. */
  private boolean step(Run run, StageRun stage) {
    if (stage.state() == TaskState.PENDING) {
      List<StageRun> dependencies =
          run.graph().dependencies(stage.index()).stream().map(run::stage).toList();
      Optional<StageRun> blocking =
          dependencies.stream().filter(d -> d.state().ended() && !isSucceeded(d)).findFirst();
      if (blocking.isPresent()) {
        StageRun cause = blocking.get();
        String reason =
            describe(cause)
                + (cause.state() == TaskState.SKIPPED ? " was skipped" : " did not succeed");
        emit(run, new RunEvent.StageSkipped(clock.instant(), stage.index(), reason));
        return true;
      }
      if (run.state() != RunState.PAUSED
          && dependencies.stream().allMatch(RunCoordinator::isSucceeded)) {
        emit(run, new RunEvent.StageStarted(clock.instant(), stage.index()));
        stage.allTasks().forEach(effects::ready);
        return true;
      }
      return false;
    }
    if (stage.state() != TaskState.RUNNING
        || !stage.settled()
        || (stage.spawn() != null && isSucceeded(stage.spawn()) && !stage.spawned())) {
      return false;
    }
    String failure = StageFailures.of(stage);
    emit(
        run,
        new RunEvent.StageEnded(
            clock.instant(),
            stage.index(),
            failure == null ? TaskState.SUCCEEDED : TaskState.FAILED,
            failure));
    return true;
  }

  private static String describe(StageRun stage) {
    return "stage " + stage.index() + " '" + stage.def().name() + "'";
  }

  private static boolean isSucceeded(StageRun stage) {
    return stage.state() == TaskState.SUCCEEDED;
  }

  private static boolean lostTooOften(TaskRun task) {
    long lost =
        task.attemptsSinceRetry().stream().filter(a -> a.state() == AttemptState.LOST).count();
    return lost + 1 >= MAX_LOST;
  }

  private static boolean isSucceeded(TaskRun task) {
    return task.state() == TaskState.SUCCEEDED;
  }

  private void emit(Run run, RunEvent event) {
    Changes changes = run.apply(event);
    effects.recorded(run, event, changes);
  }
}
