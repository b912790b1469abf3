package io.flowbus.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The stages of one run and its tasks: carries out the events of a stage or a task, and finds a
 * stage or task for whoever asks. A task is found from its id's stage and index, not kept in a map
 * by id: a large fan-out would pay for one map entry per task. What the run as a whole is in stays
 * with {@link Run}.
 */
final class RunStages {
  private final String runId;
  private final List<StageRun> stages = new ArrayList<>();
  private final Map<String, String> nodes = new HashMap<>(); // one copy of each node id

  /** The stages of a new run, none started. */
  RunStages(String runId, List<StageDef> defs) {
    this.runId = runId;
    for (int i = 0; i < defs.size(); i++) {
      stages.add(new StageRun(runId, i, defs.get(i)));
    }
  }

  /**
   * Carries out a stage or task event and notes what it changed; false, changing nothing, for an
   * event of another kind.
   *
   * @param runActive whether the run is still active: the task of a lost attempt waits to run again
   *     only then
   */
  boolean apply(RunEvent event, boolean runActive, Changes changes) {
    if (event instanceof RunEvent.StageStarted e) {
      onStageStarted(e);
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.TaskDispatched e) {
      changes.task(task(e.taskId()));
      task(e.taskId()).dispatched(e.attempt(), nodes.computeIfAbsent(e.node(), n -> n), e.at());
    } else if (event instanceof RunEvent.TaskEnded e) {
      onTaskEnded(e);
      changes.task(task(e.taskId()));
    } else if (event instanceof RunEvent.TaskRejected e) {
      task(e.taskId()).endWithoutRunning(TaskState.FAILED, e.error(), e.at());
      changes.task(task(e.taskId()));
    } else if (event instanceof RunEvent.TaskLost e) {
      onTaskLost(e, runActive);
      changes.task(task(e.taskId()));
    } else if (event instanceof RunEvent.Spawned e) {
      onSpawned(e);
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.StageAborted e) {
      changes.tasks(stage(e.stage()).abort(e.reason(), e.at()));
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.StageEnded e) {
      stage(e.stage()).end(e.state(), e.error(), e.at());
      changes.stage(e.stage());
    } else if (event instanceof RunEvent.StageSkipped e) {
      changes.tasks(stage(e.stage()).skip(e.reason(), e.at()));
      changes.stage(e.stage());
    } else {
      return false;
    }
    return true;
  }

  /** The run was cancelled: pending tasks are cancelled, and every stage not ended with them. */
  void cancel(String reason, Instant at, Changes changes) {
    for (StageRun stage : stages) {
      changes.tasks(stage.cancelPending(at));
      if (!stage.state().ended()) {
        stage.end(TaskState.CANCELLED, reason, at);
        changes.stage(stage.index());
      }
    }
  }

  /** The run is retried: every stage that did not succeed waits its turn again. */
  void retry(Changes changes) {
    for (StageRun stage : stages) {
      if (stage.state() != TaskState.SUCCEEDED) {
        changes.tasks(stage.retry());
        changes.stage(stage.index());
      }
    }
  }

  private void onStageStarted(RunEvent.StageStarted e) {
    StageRun stage = stage(e.stage());
    stage.start(e.at());
  }

  private void onTaskEnded(RunEvent.TaskEnded e) {
    TaskRun task = task(e.taskId());
    if (!task.isCurrent(e.attempt())) {
      throw new IllegalStateException(e.taskId() + " attempt " + e.attempt() + " is not running");
    }
    TaskState next = e.retryAt() != null ? TaskState.PENDING : terminalStateOf(e.outcome());
    task.ended(e.outcome(), e.exitCode(), e.error(), e.at());
    task.moveTo(next);
    if (e.retryAt() != null) {
      task.waitUntil(e.retryAt());
    }
  }

  private static TaskState terminalStateOf(AttemptState outcome) {
    return switch (outcome) {
      case SUCCEEDED -> TaskState.SUCCEEDED;
      case CANCELLED -> TaskState.CANCELLED;
      case FAILED, LOST -> TaskState.FAILED;
      case RUNNING -> throw new IllegalArgumentException("an attempt cannot end RUNNING");
    };
  }

  private void onTaskLost(RunEvent.TaskLost e, boolean runActive) {
    TaskRun task = task(e.taskId());
    if (!task.isCurrent(e.attempt())) {
      throw new IllegalStateException(e.taskId() + " attempt " + e.attempt() + " is not running");
    }
    task.ended(AttemptState.LOST, null, e.reason(), e.at());
    boolean again = runActive && !stage(task.stage()).aborting();
    task.moveTo(again ? TaskState.PENDING : TaskState.CANCELLED);
  }

  private void onSpawned(RunEvent.Spawned e) {
    stage(e.stage()).spawned(e.entries());
  }

  StageRun stage(int index) {
    if (index < 0 || index >= stages.size()) {
      throw new IllegalArgumentException("run " + runId + " has no stage " + index);
    }
    return stages.get(index);
  }

  TaskRun task(String taskId) {
    TaskRun task = lookUp(taskId);
    if (task == null) {
      throw new IllegalArgumentException("run " + runId + " has no task " + taskId);
    }
    return task;
  }

  Optional<TaskRun> findTask(String taskId) {
    return Optional.ofNullable(lookUp(taskId));
  }

  /** The task of that id if the run has it (its stage started, its entry spawned); else null. */
  private TaskRun lookUp(String taskId) {
    TaskId id = TaskId.parseCanonical(taskId);
    if (id == null || id.stage() >= stages.size()) {
      return null;
    }
    StageRun stage = stages.get(id.stage());
    if (id.isSpawn()) {
      return stage.spawn();
    }
    return id.index() < stage.taskCount() ? stage.task(id.index()) : null;
  }

  /** The first stage that has not ended, if any. */
  Optional<StageRun> current() {
    return stages.stream().filter(s -> !s.state().ended()).findFirst();
  }

  /** Whether a task or spawn task of any stage runs. */
  boolean anyRunning() {
    return stages.stream()
        .anyMatch(
            s ->
                s.counts().get(TaskState.RUNNING) > 0
                    || (s.spawn() != null && s.spawn().state() == TaskState.RUNNING));
  }

  List<StageRun> all() {
    return Collections.unmodifiableList(stages);
  }
}
