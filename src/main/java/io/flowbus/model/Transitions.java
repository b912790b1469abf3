package io.flowbus.model;

import static io.flowbus.model.RunState.CANCELLED;
import static io.flowbus.model.RunState.CREATED;
import static io.flowbus.model.RunState.DAMAGED;
import static io.flowbus.model.RunState.FAILED;
import static io.flowbus.model.RunState.RUNNING;
import static io.flowbus.model.RunState.SUCCEEDED;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Every state change a run, a stage or a task may make; anything else is a bug and throws. */
public final class Transitions {
  /** Any run may turn out DAMAGED when its journal is replayed; a DAMAGED run goes nowhere. */
  private static final Map<RunState, Set<RunState>> RUN =
      Map.of(
          CREATED, EnumSet.of(RUNNING, CANCELLED, DAMAGED),
          RUNNING, EnumSet.of(SUCCEEDED, FAILED, CANCELLED, DAMAGED),
          SUCCEEDED, EnumSet.of(DAMAGED),
          FAILED, EnumSet.of(DAMAGED),
          CANCELLED, EnumSet.of(DAMAGED));

  /** PENDING to SKIPPED: a stage (and any task of it) whose dependency failed or was skipped. */
  private static final Map<TaskState, Set<TaskState>> STAGE =
      Map.of(
          TaskState.PENDING, EnumSet.of(TaskState.RUNNING, TaskState.CANCELLED, TaskState.SKIPPED),
          TaskState.RUNNING,
              EnumSet.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED));

  /** RUNNING to PENDING: a retry waits, or the worker was lost and the task goes elsewhere. */
  private static final Map<TaskState, Set<TaskState>> TASK =
      Map.of(
          TaskState.PENDING,
          EnumSet.of(TaskState.RUNNING, TaskState.FAILED, TaskState.CANCELLED, TaskState.SKIPPED),
          TaskState.RUNNING,
          EnumSet.of(
              TaskState.PENDING, TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED));

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
