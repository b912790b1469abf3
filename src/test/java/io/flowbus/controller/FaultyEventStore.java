package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.RunStore;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The real store, whose chosen events fail in order with the other writes, as on a full disk: the
 * tests of what the engine does when the journal cannot be written share it.
 */
final class FaultyEventStore implements EventStore {
  private final JournalWriter writer;
  private final RunStore store;
  private final Supplier<Predicate<RunEvent>> failing;

  /**
   * @param failing which events fail now; asked at each write, so a test can change it
   */
  FaultyEventStore(JournalWriter writer, RunStore store, Supplier<Predicate<RunEvent>> failing) {
    this.writer = writer;
    this.store = store;
    this.failing = failing;
  }

  @Override
  public CompletableFuture<Void> record(Run run, RunEvent event) {
    if (failing.get().test(event)) {
      return writer.execute(
          null,
          () -> {
            throw new IOException("No space left on device");
          });
    }
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
}
