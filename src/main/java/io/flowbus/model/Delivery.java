package io.flowbus.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One notification of one end of a run to one URL, and how its attempts fared. A run that ends gets
 * one per matching {@link NotifyTarget}; a retried run that ends again gets new ones.
 *
 * @param number counts the run's deliveries from 1, in the order they were due
 * @param state how the run ended (SUCCEEDED, FAILED or CANCELLED)
 * @param dueAt when the run ended: the delivery is given up an hour after that
 * @param nextAttemptAt when it is tried (again); null once it was delivered or given up
 */
public record Delivery(
    int number,
    String url,
    RunState state,
    Instant dueAt,
    List<Attempt> attempts,
    boolean delivered,
    Instant nextAttemptAt) {

  /**
   * One POST.
   *
   * @param status the HTTP status answered; null when none came (refused, reset, timed out)
   * @param error what went wrong; null for a 2xx answer
   */
  public record Attempt(Instant at, Integer status, String error, long durationMs) {}

  public Delivery {
    attempts = List.copyOf(attempts);
  }

  /** A delivery due now, not tried yet. */
  static Delivery due(int number, String url, RunState state, Instant at) {
    return new Delivery(number, url, state, at, List.of(), false, at);
  }

  /** The delivery's id, sent as {@code X-Flowbus-Delivery}: the run id and its number. */
  public String id(String runId) {
    return runId + "." + number;
  }

  public String event() {
    return NotifyTarget.eventName(state);
  }

  public boolean pending() {
    return !delivered && nextAttemptAt != null;
  }

  /** {@code pending}, {@code delivered} or {@code failed} (given up). */
  public String status() {
    return delivered ? "delivered" : pending() ? "pending" : "failed";
  }

  Delivery attempted(RunEvent.NotificationAttempted e) {
    if (!pending() || e.attempt() != attempts.size() + 1) {
      throw new IllegalStateException(
          "delivery " + number + " is " + status() + " with " + attempts.size() + " attempts");
    }
    List<Attempt> more = new ArrayList<>(attempts);
    more.add(new Attempt(e.at(), e.status(), e.error(), e.durationMs()));
    return new Delivery(
        number, url, state, dueAt, more, e.delivered(), e.delivered() ? null : e.nextAttemptAt());
  }
}
