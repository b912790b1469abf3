package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskState;
import java.util.List;
import java.util.Optional;

/**
 * Moves a run along its stage graph: ends settled stages, starts every stage whose dependencies all
 * succeeded, skips those with a dependency that failed or was skipped, and ends the run once every
 * stage has ended.
 */
final class StageAdvance {
  private final Emitter emitter;

  StageAdvance(Emitter emitter) {
    this.emitter = emitter;
  }

  /** Moves the run on as far as it can go now. */
  void advance(Run run) {
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
      emitter.emit(
          run,
          new RunEvent.Ended(
              emitter.now(),
              failed.isEmpty() ? RunState.SUCCEEDED : RunState.FAILED,
              failed.map(s -> describe(s) + " failed: " + s.error()).orElse(null)));
    }
  }

  /** Moves one stage on if it can; says whether it did. */
  private boolean step(Run run, StageRun stage) {
    if (stage.state() == TaskState.PENDING) {
      return startOrSkip(run, stage);
    }
    if (stage.state() != TaskState.RUNNING
        || !stage.settled()
        || (stage.spawn() != null
            && stage.spawn().state() == TaskState.SUCCEEDED
            && !stage.spawned())) {
      return false;
    }
    String failure = StageFailures.of(stage);
    emitter.emit(
        run,
        new RunEvent.StageEnded(
            emitter.now(),
            stage.index(),
            failure == null ? TaskState.SUCCEEDED : TaskState.FAILED,
            failure));
    return true;
  }

  /** A pending stage is skipped or started once its dependencies say so; says whether it was. */
  private boolean startOrSkip(Run run, StageRun stage) {
    List<StageRun> dependencies =
        run.graph().dependencies(stage.index()).stream().map(run::stage).toList();
    Optional<StageRun> blocking =
        dependencies.stream().filter(d -> d.state().ended() && !isSucceeded(d)).findFirst();
    if (blocking.isPresent()) {
      StageRun cause = blocking.get();
      String reason =
          describe(cause)
              + (cause.state() == TaskState.SKIPPED ? " was skipped" : " did not succeed");
      emitter.emit(run, new RunEvent.StageSkipped(emitter.now(), stage.index(), reason));
      return true;
    }
    if (run.state() != RunState.PAUSED && dependencies.stream().allMatch(this::isSucceeded)) {
      emitter.emit(run, new RunEvent.StageStarted(emitter.now(), stage.index()));
      stage.allTasks().forEach(emitter::ready);
      return true;
    }
    return false;
  }

  private static String describe(StageRun stage) {
    return "stage " + stage.index() + " '" + stage.def().name() + "'";
  }

  private boolean isSucceeded(StageRun stage) {
    return stage.state() == TaskState.SUCCEEDED;
  }
}
