package io.flowbus.controller;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.model.Secrets;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskKind;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import java.util.List;
import java.util.Map;

/**
 * Decides what the end of an attempt means for its task and stage: the task runs again (after a
 * retry's wait, or at once when its worker was lost), a spawn task's entries become tasks, or a
 * failure over the stage's tolerance aborts the stage. Moving the run on is left to the caller.
 */
final class AttemptOutcomes {
  /** A task that took its worker down this often is not given another: it is failed. */
  static final int MAX_LOST = 5;

  private final Emitter emitter;

  AttemptOutcomes(Emitter emitter) {
    this.emitter = emitter;
  }

  /**
   * Applies how an attempt ended; false, changing nothing, when the attempt is not the task's
   * current one or the run is DAMAGED.
   *
   * @param spawnEntries what a successful spawn task wrote; null otherwise
   */
  boolean ended(
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
      emitter.emit(
          run,
          new RunEvent.TaskEnded(
              emitter.now(), task.id(), attempt, outcome, exitCode, reason, null));
      failed(run, task, reason);
    } else if (outcome == AttemptState.LOST) {
      emitter.emit(run, new RunEvent.TaskLost(emitter.now(), task.id(), attempt, error));
      if (task.state() == TaskState.PENDING) {
        emitter.ready(task);
      }
    } else {
      endAttempt(run, task, attempt, outcome, exitCode, error, spawnEntries);
    }
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
            ? RetryPolicy.retryAt(run.plan().taskClass(task.taskClass()), task, emitter.now())
            : null;
    emitter.emit(
        run,
        new RunEvent.TaskEnded(
            emitter.now(), task.id(), attempt, outcome, exitCode, error, retryAt));
    if (retryAt != null) {
      emitter.ready(task);
    } else if (task.kind() == TaskKind.SPAWN
        && outcome == AttemptState.SUCCEEDED
        && run.state().active()) {
      spawned(run, stage, spawnEntries);
    } else if (task.state() == TaskState.FAILED) {
      failed(run, task, error);
    }
  }

  /** The entries of a stage whose spawn task succeeded: one task instance each, all ready. */
  void spawned(Run run, StageRun stage, List<Map<String, String>> entries) {
    emitter.emit(run, new RunEvent.Spawned(emitter.now(), stage.index(), entries));
    emitter.ready(stage.tasks());
  }

  /** A task that cannot run at all, such as one missing a required input, fails at once. */
  void rejected(Run run, TaskRun task, String reason) {
    String error = Secrets.mask(reason, run.secretValues());
    emitter.emit(run, new RunEvent.TaskRejected(emitter.now(), task.id(), error));
    failed(run, task, error);
  }

  /** A failed task over its stage's tolerance aborts the stage: its running tasks are stopped. */
  private void failed(Run run, TaskRun task, String error) {
    StageRun stage = run.stage(task.stage());
    if (task.kind() == TaskKind.TASK
        && !stage.aborting()
        && run.state().active()
        && StageFailures.overTolerance(stage)) {
      String reason = StageFailures.abortReason(stage, task, error);
      emitter.emit(run, new RunEvent.StageAborted(emitter.now(), stage.index(), reason));
      for (TaskRun other : stage.tasks()) {
        if (other.state() == TaskState.RUNNING) {
          emitter.stop(other, "stage " + stage.index() + " failed: " + reason);
        }
      }
    }
  }

  private static boolean lostTooOften(TaskRun task) {
    long lost =
        task.attemptsSinceRetry().stream().filter(a -> a.state() == AttemptState.LOST).count();
    return lost + 1 >= MAX_LOST;
  }
}
