package io.flowbus.controller;

import java.time.Duration;
import java.time.Instant;

/**
 * When a notification that was not delivered is tried again: {@code first} after the first attempt,
 * twice as long after each further one up to {@code cap}, and never later than {@code window} after
 * the run ended; an attempt made at that moment or later is the last. Each wait is spread by ±20%
 * ({@link #next(Instant, int, Instant, double)}), so deliveries that failed together, or were all
 * overdue when a node took over, are not all tried again in the same millisecond.
 */
record Backoff(Duration first, Duration cap, Duration window) {
  /** 5 s, 10 s, 20 s, … at most 5 minutes apart, for an hour. */
  static final Backoff DEFAULT =
      new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofHours(1));

  /**
   * @param dueAt when the run ended
   * @param attempts how many attempts were made, the one that just failed included
   * @param now when that attempt failed
   * @return when to try again; null to give up
   */
  Instant next(Instant dueAt, int attempts, Instant now) {
    return next(dueAt, attempts, now, 0.5);
  }

  /**
   * Like {@link #next(Instant, int, Instant)}, with the wait scaled by {@code 0.8 + 0.4 * unit}.
   *
   * @param unit a random number in [0, 1): 0 waits 20% less, 0.5 exactly, towards 1 20% more
   */
  Instant next(Instant dueAt, int attempts, Instant now, double unit) {
    Instant deadline = dueAt.plus(window);
    if (!now.isBefore(deadline)) {
      return null;
    }
    Duration delay = first.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
    Duration capped = delay.compareTo(cap) > 0 ? cap : delay;
    Instant next = now.plusMillis((long) (capped.toMillis() * (0.8 + 0.4 * unit)));
    return next.isAfter(deadline) ? deadline : next;
  }
}
