package io.flowbus.controller;

import io.flowbus.cluster.OrchestratorRequest.WatchRun;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The runs someone follows (an event stream or a waiting request on some API node), so that the
 * orchestrator renders and publishes a run's changes only while they are listened to. A follower
 * takes a snapshot (which marks the run) and then renews its mark at least every {@link
 * WatchRun#RENEW}; a mark not renewed for {@link #EXPIRY} lapses. An orchestrator that just took
 * over does not know the followers yet: it publishes every run's changes until their marks can have
 * come in.
 */
final class RunWatchers {
  static final Duration EXPIRY = WatchRun.RENEW.multipliedBy(3);

  private final Clock clock;
  private final Map<String, Long> until = new HashMap<>();
  private final long everyRunUntil;
  private long nextSweep;

  RunWatchers(Clock clock) {
    this.clock = clock;
    this.everyRunUntil = clock.millis() + EXPIRY.toMillis();
    this.nextSweep = everyRunUntil;
  }

  /** Someone follows {@code runId} from now on, for {@link #EXPIRY} unless renewed. */
  void watch(String runId) {
    until.put(runId, clock.millis() + EXPIRY.toMillis());
  }

  /** Whether a change of {@code runId} may be listened to. */
  boolean watched(String runId) {
    long now = clock.millis();
    if (now >= nextSweep) {
      until.values().removeIf(t -> t <= now);
      nextSweep = now + EXPIRY.toMillis();
    }
    if (now < everyRunUntil) {
      return true;
    }
    Long end = until.get(runId);
    return end != null && end > now;
  }
}
