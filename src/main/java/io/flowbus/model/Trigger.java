package io.flowbus.model;

import java.time.Instant;

/**
 * What started a run that a schedule started.
 *
 * @param dueAt the due time it was started for; null when it was triggered by hand
 */
public record Trigger(String schedule, Instant dueAt) {
  public Trigger {
    if (schedule == null) {
      throw new IllegalArgumentException("a trigger names its schedule");
    }
  }
}
