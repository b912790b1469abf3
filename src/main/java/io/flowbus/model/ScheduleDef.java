package io.flowbus.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A schedule: the job it starts, when (a cron expression in a time zone), with which inputs, and
 * what it does when a time is due while its last run still goes.
 *
 * @param inputs values of the job's inputs by name: parameter inputs and, as if sent in their
 *     header, http-header inputs
 */
public record ScheduleDef(
    String id, String job, CronTimes cron, Map<String, String> inputs, Overlap overlap) {

  public ScheduleDef {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /** The key under which the run of one due time is created, the same on every orchestrator. */
  public String idempotencyKey(java.time.Instant dueAt) {
    return idempotencyKeyOf(id, dueAt);
  }

  public static String idempotencyKeyOf(String schedule, java.time.Instant dueAt) {
    return "schedule:" + schedule + "@" + dueAt;
  }
}
