package io.flowbus.controller;

import io.flowbus.model.AttemptState;
import io.flowbus.model.TaskClass;
import io.flowbus.model.TaskRun;
import java.time.Duration;
import java.time.Instant;

/**
 * When a failed task runs again: only on failure (never after a cancel), only as often as its class
 * allows, after {@code retry_backoff} doubled for each earlier failure, at most {@link #MAX_DELAY}.
 * Attempts lost with a worker do not count: they were not the task's fault. Attempts before the run
 * was retried do not count either: a retry gives each task its retries again.
 */
final class RetryPolicy {
  static final Duration MAX_DELAY = Duration.ofMinutes(10);

  private RetryPolicy() {}

  /** When to try again after the current attempt failed, or null to give up. */
  static Instant retryAt(TaskClass taskClass, TaskRun task, Instant now) {
    long failures =
        task.attemptsSinceRetry().stream().filter(a -> a.state() == AttemptState.FAILED).count()
            + 1;
    if (failures > taskClass.retries()) {
      return null;
    }
    return now.plus(delay(taskClass.retryBackoff(), failures));
  }

  static Duration delay(Duration backoff, long failures) {
    Duration delay = backoff;
    for (long i = 1; i < failures && delay.compareTo(MAX_DELAY) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
  }
}
