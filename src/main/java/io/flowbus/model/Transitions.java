package io.flowbus.model;

import static io.flowbus.model.RunState.CANCELLED;
import static io.flowbus.model.RunState.CREATED;
import static io.flowbus.model.RunState.DAMAGED;
import static io.flowbus.model.RunState.FAILED;
import static io.flowbus.model.RunState.PAUSED;
import static io.flowbus.model.RunState.RUNNING;
import static io.flowbus.model.RunState.SUCCEEDED;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Every state change a run, a stage or a task may make; anything else is a bug and throws. */
public final class Transitions {
  /**
   * Any run may turn out DAMAGED when its journal is replayed; a DAMAGED run goes nowhere. RUNNING
   * and PAUSED go back and forth (pause, resume); a paused run may still end (its last tasks
   * finished, one failed the run, or it was cancelled). FAILED and CANCELLED go back to RUNNING
   * only by a retry. Which event may make which of these moves, {@link Run#apply} checks.
   */
  private static final Map<RunState, Set<RunState>> RUN =
      Map.of(
          CREATED, EnumSet.of(RUNNING, CANCELLED, DAMAGED),
          RUNNING, EnumSet.of(PAUSED, SUCCEEDED, FAILED, CANCELLED, DAMAGED),
          PAUSED, EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLED, DAMAGED),
          SUCCEEDED, EnumSet.of(DAMAGED),
          FAILED, EnumSet.of(RUNNING, DAMAGED),
          CANCELLED, EnumSet.of(RUNNING, DAMAGED));

  /**
   * PENDING to SKIPPED: a stage (and any task of it) whose dependency failed or was skipped. A
   * retry takes a stage that ran and did not succeed back to RUNNING, and one that never started
   * (cancelled or skipped before it could) back to PENDING ({@link StageRun#retry}).
   */
  private static final Map<TaskState, Set<TaskState>> STAGE =
      Map.of(
          TaskState.PENDING, EnumSet.of(TaskState.RUNNING, TaskState.CANCELLED, TaskState.SKIPPED),
          TaskState.RUNNING, EnumSet.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED),
          TaskState.FAILED, EnumSet.of(TaskState.RUNNING),
          TaskState.CANCELLED, EnumSet.of(TaskState.RUNNING, TaskState.PENDING),
          TaskState.SKIPPED, EnumSet.of(TaskState.PENDING));

  /**
   * RUNNING to PENDING: a retry waits, or the worker was lost and the task goes elsewhere. FAILED
   * or CANCELLED to PENDING: the run was retried. SUCCEEDED goes nowhere: it never runs again.
   */
  private static final Map<TaskState, Set<TaskState>> TASK =
      Map.of(
          TaskState.PENDING,
          EnumSet.of(TaskState.RUNNING, TaskState.FAILED, TaskState.CANCELLED, TaskState.SKIPPED),
          TaskState.RUNNING,
          EnumSet.of(TaskState.PENDING, TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED),
          TaskState.FAILED,
          EnumSet.of(TaskState.PENDING),
          TaskState.CANCELLED,
          EnumSet.of(TaskState.PENDING),
          TaskState.SKIPPED,
          EnumSet.of(TaskState.PENDING));

  private Transitions() {}

  public static void checkRun(RunState from, RunState to) {
    check("run", RUN, from, to);
  }

  public static void checkStage(TaskState from, TaskState to) {
    check("stage", STAGE, from, to);
  }

  public static void checkTask(TaskState from, TaskState to) {
    check("task", TASK, from, to);
  }

  private static <S extends Enum<S>> void check(String what, Map<S, Set<S>> table, S from, S to) {
    if (!table.getOrDefault(from, Set.of()).contains(to)) {
      throw new IllegalTransitionException(what, from, to);
    }
  }
}
