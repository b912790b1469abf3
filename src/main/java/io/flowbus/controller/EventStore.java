package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.storage.RunStore;
import java.util.concurrent.CompletableFuture;

/** Where {@link DurableEffects} writes events, and reads them back after a failed write. */
interface EventStore {
  CompletableFuture<Void> record(Run run, RunEvent event);

  /** Cuts the last {@code lines} of the run's journal, then replays it; null if nothing is left. */
  CompletableFuture<Run> rollBack(String runId, int lines);

  /** Removes what the run left on disk. */
  CompletableFuture<Void> delete(String runId);

  static EventStore of(RunStore store) {
    return new EventStore() {
      @Override
      public CompletableFuture<Void> record(Run run, RunEvent event) {
        return store.record(run, event);
      }

      @Override
      public CompletableFuture<Run> rollBack(String runId, int lines) {
        return store.rollBack(runId, lines);
      }

      @Override
      public CompletableFuture<Void> delete(String runId) {
        return store.delete(runId);
      }
    };
  }
}
