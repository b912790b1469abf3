package io.flowbus.worker;

import io.flowbus.cluster.TaskAssignment;
import io.flowbus.model.AttemptState;
import java.time.Duration;

/**
 * One assignment on this node, from acceptance until its result is handed to the outbox. A stop
 * asked for before its command has started reaches the command once it has.
 */
final class RunningTask {
  private final TaskAssignment task;
  private final long startedNanos = System.nanoTime();
  private RunningCommand command;
  private AttemptState stopState;
  private String stopReason;

  RunningTask(TaskAssignment task) {
    this.task = task;
  }

  TaskAssignment task() {
    return task;
  }

  /** How long since it was accepted. */
  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** Its command has started: a stop asked for before goes to it now. */
  void started(RunningCommand started) {
    command = started;
    if (stopReason != null) {
      started.stop(stopState, stopReason);
    }
  }

  /** Stops the attempt, now or once its command has started; only the first stop counts. */
  void stop(AttemptState state, String reason) {
    if (stopReason != null) {
      return;
    }
    stopState = state;
    stopReason = reason;
    if (command != null) {
      command.stop(state, reason);
    }
  }
}
