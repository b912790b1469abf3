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

  /** How the idempotency keys of schedules' runs start; a request may not use such a key. */
  public static final String KEY_PREFIX = "schedule:";

  public ScheduleDef {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  /**
   * The next due time of the schedule standing at {@code state}: the first after the later of its
   * {@code since} and {@code now}; empty while paused or if none comes.
   */
  public java.util.Optional<java.time.Instant> nextDue(ScheduleState state, java.time.Instant now) {
    if (state.paused()) {
      return java.util.Optional.empty();
    }
    java.time.Instant from =
        state.since() != null && state.since().isAfter(now) ? state.since() : now;
    return cron.next(from);
  }

  /** The key under which the run of one due time is created, the same on every orchestrator. */
  public String idempotencyKey(java.time.Instant dueAt) {
    return idempotencyKeyOf(id, dueAt);
  }

  /**
   * What the schedule's due times and runs depend on (job, cron expression, time zone, inputs), as
   * a short digest: a schedule whose fingerprint changed is armed anew, so that the times its old
   * definition left behind do not fire under the new one.
   */
  public String fingerprint() {
    StringBuilder text = new StringBuilder();
    text.append(job).append('\n').append(cron.expression()).append('\n').append(cron.zone());
    new java.util.TreeMap<>(inputs)
        .forEach((k, v) -> text.append('\n').append(k).append('=').append(v));
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest, 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String idempotencyKeyOf(String schedule, java.time.Instant dueAt) {
    return KEY_PREFIX + schedule + "@" + dueAt;
  }
}
