package io.flowbus.controller;

import io.flowbus.cluster.OrchestratorRequest.Follow;
import io.flowbus.cluster.OrchestratorRequest.WatchRun;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The runs someone follows (an event stream or a waiting request on some API node), so that the
 * orchestrator renders and publishes a run's changes only while they are listened to: every change
 * while an event stream follows the run, only the change that ends it while only waits do (a wait
 * reads nothing else). A follower takes a snapshot (which marks the run) and then renews its mark
 * at least every {@link WatchRun#RENEW}; a mark not renewed for {@link #EXPIRY} lapses. An
 * orchestrator that just took over does not know the followers yet: it publishes every change of
 * the runs it took over until their marks can have come in (a run created since can only be
 * followed from a snapshot taken here).
 */
final class RunWatchers {
  static final Duration EXPIRY = WatchRun.RENEW.multipliedBy(3);

  private final Clock clock;
  private final Map<String, Long> everyChangeUntil = new HashMap<>();
  private final Map<String, Long> endUntil = new HashMap<>();
  private long nextSweep;

  RunWatchers(Clock clock) {
    this.clock = clock;
    this.nextSweep = clock.millis() + EXPIRY.toMillis();
  }

  /**
   * The runs were taken over from the journals: their followers, if any, took their snapshots from
   * the orchestrator before, and are taken to follow every change until they can have renewed here.
   */
  void takenOver(Collection<String> runIds) {
    runIds.forEach(id -> watch(id, Follow.EVERY_CHANGE));
  }

  /** Someone follows {@code runId} from now on, for {@link #EXPIRY} unless renewed. */
  void watch(String runId, Follow follow) {
    (follow == Follow.END ? endUntil : everyChangeUntil)
        .put(runId, clock.millis() + EXPIRY.toMillis());
  }

  /**
   * Whether a change of {@code runId} may be listened to: any change of a run an event stream
   * follows; of a run only waits follow, a change that leaves it {@code settled} (ended, and none
   * of its tasks running: {@link io.flowbus.model.Run#isSettled}).
   */
  boolean watched(String runId, boolean settled) {
    long now = clock.millis();
    if (now >= nextSweep) {
      everyChangeUntil.values().removeIf(t -> t <= now);
      endUntil.values().removeIf(t -> t <= now);
      nextSweep = now + EXPIRY.toMillis();
    }
    if (marked(everyChangeUntil, runId, now)) {
      return true;
    }
    return settled && marked(endUntil, runId, now);
  }

  private static boolean marked(Map<String, Long> until, String runId, long now) {
    Long end = until.get(runId);
    return end != null && end > now;
  }
}
