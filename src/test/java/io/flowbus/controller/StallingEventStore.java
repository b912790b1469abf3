package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.RunStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * The real store, whose journal stalls before a chosen event until released, as a slow disk that
 * writes the events before it in one batch and it in a later one.
 */
final class StallingEventStore implements EventStore {
  private final JournalWriter writer;
  private final RunStore store;
  private final Predicate<RunEvent> stallBefore;
  private final CountDownLatch gate = new CountDownLatch(1);

  StallingEventStore(JournalWriter writer, RunStore store, Predicate<RunEvent> stallBefore) {
    this.writer = writer;
    this.store = store;
    this.stallBefore = stallBefore;
  }

  /** The journal writes on. */
  void release() {
    gate.countDown();
  }

  @Override
  public CompletableFuture<Void> record(Run run, RunEvent event) {
    if (stallBefore.test(event)) {
      writer.execute(null, this::awaitRelease);
    }
    return store.record(run, event);
  }

  private void awaitRelease() {
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
