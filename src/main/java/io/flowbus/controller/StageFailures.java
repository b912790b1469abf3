package io.flowbus.controller;

import io.flowbus.model.FailureTolerance;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import java.util.Locale;

/** When the failures of a stage's instances fail the stage, and how that is told. */
final class StageFailures {
  private StageFailures() {}

  /** Whether more instances have failed than the stage tolerates. */
  static boolean overTolerance(StageRun stage) {
    return stage.counts().get(TaskState.FAILED) > allowed(stage);
  }

  private static int allowed(StageRun stage) {
    return stage.def().tolerance().allowed(stage.tasks().size());
  }

  /** Why the stage stops now that {@code task} failed with {@code error}, going over its limit. */
  static String abortReason(StageRun stage, TaskRun task, String error) {
    String failed = "task " + task.id() + " failed: " + error;
    FailureTolerance tolerance = stage.def().tolerance();
    if (tolerance.none()) {
      return failed;
    }
    return stage.counts().get(TaskState.FAILED)
        + " of "
        + stage.tasks().size()
        + " tasks failed, more than the "
        + allowed(stage)
        + " tolerated (tolerated_failures: "
        + tolerance
        + "); the last: "
        + failed;
  }

  /** Why a settled stage failed, or null if it succeeded (possibly with failures tolerated). */
  static String of(StageRun stage) {
    TaskRun spawn = stage.spawn();
    if (spawn != null && spawn.state() != TaskState.SUCCEEDED) {
      return "spawn task "
          + spawn.taskClass()
          + " "
          + spawn.state().name().toLowerCase(Locale.ROOT)
          + (spawn.error() == null ? "" : ": " + spawn.error());
    }
    if (stage.aborting()) {
      return stage.abortReason();
    }
    if (overTolerance(stage)) {
      return stage.tasks().stream()
          .filter(t -> t.state() == TaskState.FAILED)
          .reduce((first, last) -> last)
          .map(t -> abortReason(stage, t, t.error()))
          .orElse("a task failed");
    }
    return null;
  }
}
