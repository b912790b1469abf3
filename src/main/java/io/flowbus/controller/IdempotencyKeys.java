package io.flowbus.controller;

import io.flowbus.model.Idempotency;
import io.flowbus.model.Run;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code Idempotency-Key}s of the runs created in the last 24 hours, each scoped to its job:
 * the same key for another job is another key. A key is held from the moment its run is decided,
 * before its creation is durable, so that a second request for it (also one racing on another node:
 * every create passes the one orchestrator) finds it; it is let go if that creation is undone, when
 * its run is deleted, and once 24 hours have passed. Rebuilt from the runs' journals on takeover.
 * Touched on the orchestrator's event loop only.
 */
final class IdempotencyKeys {
  /** How long a key holds. */
  static final Duration KEPT = Duration.ofHours(24);

  /** The run a key was used for, when, and the fingerprint of the request. */
  record Entry(String runId, String fingerprint, Instant createdAt) {}

  private record Scoped(String job, String key) {}

  private final Clock clock;
  private final LinkedHashMap<Scoped, Entry> byKey = new LinkedHashMap<>();
  private final Map<String, Scoped> byRun = new HashMap<>();

  IdempotencyKeys(Clock clock) {
    this.clock = clock;
  }

  /** The run created with this key for this job in the last 24 hours; null if none. */
  Entry find(String job, String key) {
    evictExpired();
    Entry entry = byKey.get(new Scoped(job, key));
    return entry == null || expired(entry) ? null : entry;
  }

  /** Holds the key for the run just decided. */
  void put(String job, Idempotency idempotency, String runId, Instant createdAt) {
    evictExpired();
    Scoped scoped = new Scoped(job, idempotency.key());
    Entry before = byKey.remove(scoped); // re-inserted last, so that the oldest stay first
    if (before != null) {
      byRun.remove(before.runId());
    }
    byKey.put(scoped, new Entry(runId, idempotency.fingerprint(), createdAt));
    byRun.put(runId, scoped);
  }

  /** Holds the key of a run replayed from its journal, unless it is older than 24 hours. */
  void index(Run run) {
    if (run.idempotency() != null
        && run.jobId() != null
        && run.createdAt().plus(KEPT).isAfter(clock.instant())) {
      put(run.jobId(), run.idempotency(), run.id(), run.createdAt());
    }
  }

  /** Lets go of the key of a run that does not exist (any more). */
  void forget(String runId) {
    Scoped scoped = byRun.remove(runId);
    if (scoped != null) {
      byKey.remove(scoped);
    }
  }

  int size() {
    return byKey.size();
  }

  private boolean expired(Entry entry) {
    return !entry.createdAt().plus(KEPT).isAfter(clock.instant());
  }

  /** Keys are held in the order their runs were created: the expired ones come first. */
  private void evictExpired() {
    Iterator<Entry> oldest = byKey.values().iterator();
    while (oldest.hasNext()) {
      Entry entry = oldest.next();
      if (!expired(entry)) {
        return;
      }
      oldest.remove();
      byRun.remove(entry.runId());
    }
  }
}
