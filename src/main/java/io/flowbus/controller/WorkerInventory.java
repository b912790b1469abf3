package io.flowbus.controller;

import io.flowbus.cluster.Membership;
import io.flowbus.cluster.WorkerControl.Inventory;
import io.flowbus.model.AttemptKey;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Run;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.HashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which workers are in the cluster and what each holds: workers that left lose their attempts (run
 * elsewhere), the others are asked for their inventory, which corrects the slots counted for them.
 */
final class WorkerInventory {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerInventory.class);

  /**
   * How long a takeover waits for a worker that does not answer: longer than the 5 s within which
   * {@code DurableConsumers} registers a consumer again that the cluster lost. The whole takeover
   * waits (no API, results or dispatch meanwhile), so not much longer.
   */
  static final long TAKEOVER_PATIENCE_MS = 10_000;

  private final Membership membership;
  private final Runs runs;
  private final RunCoordinator coordinator;
  private final Dispatcher dispatcher;
  private final WorkerClient workers;

  WorkerInventory(
      Membership membership,
      Runs runs,
      RunCoordinator coordinator,
      Dispatcher dispatcher,
      WorkerClient workers) {
    this.membership = membership;
    this.runs = runs;
    this.coordinator = coordinator;
    this.dispatcher = dispatcher;
    this.workers = workers;
  }

  /** Asks the node what it holds; its answer confirms it takes work (unless it drains). */
  Future<Inventory> ask(String nodeId) {
    return confirming(nodeId, workers.inventory(nodeId))
        .onFailure(
            e -> {
              WorkerPool.Worker w = dispatcher.pool().get(nodeId);
              if (w == null || w.available) {
                return;
              }
              if (e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
                // a worker that joined but has not started listening: it says when it has
                LOG.debug("worker {} does not listen yet", nodeId);
              } else {
                LOG.warn("worker {} does not answer its inventory yet: {}", nodeId, e.getMessage());
              }
            });
  }

  /**
   * Asks the node what it holds for a takeover, which runs again what no worker says it holds: a
   * member that does not answer is asked again for up to {@value #TAKEOVER_PATIENCE_MS} ms.
   */
  Future<Inventory> askForTakeover(String nodeId) {
    return confirming(nodeId, workers.inventoryOnceListening(nodeId, TAKEOVER_PATIENCE_MS))
        .onFailure(
            e ->
                LOG.warn(
                    "worker {} did not say what it holds: what it runs counts as lost ({})",
                    nodeId,
                    e.getMessage()));
  }

  /** The answer, once it comes, confirms the worker and corrects the slots counted for it. */
  private Future<Inventory> confirming(String nodeId, Future<Inventory> inventory) {
    return inventory.onSuccess(
        inv -> dispatcher.confirmed(nodeId, inv.draining(), new HashSet<>(inv.attempts())));
  }

  /**
   * Takes in who is in the cluster now: workers that left lose their attempts, the others are asked
   * for their inventory. Runs on every membership change and, in case one was missed (a member that
   * joined while this orchestrator was starting), with every sweep.
   */
  void membershipChanged() {
    for (WorkerPool.Worker gone : dispatcher.syncWorkers(membership.nodes())) {
      LOG.warn(
          "worker {} left the cluster with {} tasks: running them elsewhere",
          gone.id,
          gone.attempts.size());
      for (AttemptKey key : gone.attempts) {
        lost(key, "node " + gone.id + " left the cluster");
      }
    }
    for (WorkerPool.Worker w : List.copyOf(dispatcher.pool().workers())) {
      ask(w.id);
    }
  }

  private void lost(AttemptKey attempt, String reason) {
    Run run = runs.get(attempt.runId());
    if (run != null) {
      run.findTask(attempt.taskId())
          .ifPresent(
              t ->
                  coordinator.ended(
                      run, t, attempt.attempt(), AttemptState.LOST, null, reason, null));
    }
  }
}
