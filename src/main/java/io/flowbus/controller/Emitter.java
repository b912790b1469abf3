package io.flowbus.controller;

import io.flowbus.model.Changes;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.TaskRun;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * How the coordinator's parts act on a decision: an event is applied to its run in memory and
 * handed to the {@link RunCoordinator.Effects}, which keep it and carry out what follows.
 */
final class Emitter {
  private final Clock clock;
  private final RunCoordinator.Effects effects;

  Emitter(Clock clock, RunCoordinator.Effects effects) {
    this.clock = clock;
    this.effects = effects;
  }

  Instant now() {
    return clock.instant();
  }

  void emit(Run run, RunEvent event) {
    Changes changes = run.apply(event);
    effects.recorded(run, event, changes);
  }

  /** A run's creation, which made the run rather than changing it. */
  void recorded(Run run, RunEvent.Created created) {
    effects.recorded(run, created, new Changes());
  }

  void ready(TaskRun task) {
    effects.ready(task);
  }

  void ready(List<TaskRun> tasks) {
    effects.ready(tasks);
  }

  void stop(TaskRun task, String reason) {
    effects.stop(task, reason);
  }
}
