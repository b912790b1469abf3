package io.flowbus.controller;

import io.flowbus.cluster.Membership;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.WorkerControl.Inventory;
import io.flowbus.model.AttemptKey;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Run;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.storage.RunStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over from a predecessor: the runs replayed from their journals are put back where they
 * belong. Attempts that workers still hold are adopted (also one accepted just before the
 * predecessor could journal it), the others are lost and run again, pending ones are queued. A
 * worker that does not answer is asked again while it is a member, for up to 10 s: a member that
 * listens but cannot be reached yet (see {@link WorkerClient#inventoryOnceListening}) would
 * otherwise have what it runs started a second time. A run rolled back after a failed write is
 * placed the same way.
 */
final class Takeover {
  private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

  private final Vertx vertx;
  private final Membership membership;
  private final Runs runs;
  private final RunStore store;
  private final RunCoordinator coordinator;
  private final Dispatcher dispatcher;
  private final WorkerInventory inventory;

  Takeover(
      Vertx vertx,
      Membership membership,
      Runs runs,
      RunStore store,
      RunCoordinator coordinator,
      Dispatcher dispatcher,
      WorkerInventory inventory) {
    this.vertx = vertx;
    this.membership = membership;
    this.runs = runs;
    this.store = store;
    this.coordinator = coordinator;
    this.dispatcher = dispatcher;
    this.inventory = inventory;
  }

  /**
   * Holds the runs loaded, asks every worker what it holds, and resumes each run.
   *
   * @param early the attempts results came for meanwhile, and their nodes: they are not lost
   */
  Future<Void> recover(List<Run> loaded, Supplier<Map<AttemptKey, String>> early) {
    loaded.forEach(runs::put);
    dispatcher.syncWorkers(membership.nodes());
    List<Future<Inventory>> inventories = new ArrayList<>();
    for (NodeInfo node : membership.nodes()) {
      if (node.isWorker()) {
        inventories.add(inventory.askForTakeover(node.id()));
      }
    }
    return Future.join(inventories)
        .transform(
            ar -> {
              Map<AttemptKey, String> alive = new HashMap<>();
              for (Future<Inventory> f : inventories) {
                if (f.succeeded()) {
                  f.result().attempts().forEach(key -> alive.put(key, f.result().node()));
                }
              }
              alive.putAll(early.get());
              List<Future<Void>> spawns = new ArrayList<>();
              for (Run run : List.copyOf(runs.all())) {
                spawns.add(resume(run, alive));
              }
              return Future.join(spawns).mapEmpty();
            });
  }

  /**
   * A run rolled back to its journal, or one retried: its tasks are placed again, as after a
   * takeover (also the entries of a spawn task that succeeded after its run was cancelled).
   */
  void rolledBack(Run run) {
    if (runs.get(run.id()) == run) {
      resume(run, dispatcher.heldAttempts());
    }
  }

  /**
   * A paused run's pending tasks are queued but not given out until it is resumed; attempts that
   * workers still hold are adopted all the same.
   */
  private Future<Void> resume(Run run, Map<AttemptKey, String> alive) {
    if (!run.state().active() && !run.hasRunningTasks()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> spawns = new ArrayList<>();
    for (StageRun stage : run.stages()) {
      for (TaskRun task : stage.allTasks()) {
        resume(run, task, alive);
      }
      TaskRun spawn = stage.spawn();
      if (stage.state() == TaskState.RUNNING
          && spawn != null
          && spawn.state() == TaskState.SUCCEEDED
          && !stage.spawned()) {
        spawns.add(loadSpawn(run, stage));
      }
    }
    coordinator.advance(run);
    return Future.join(spawns).mapEmpty();
  }

  private void resume(Run run, TaskRun task, Map<AttemptKey, String> alive) {
    if (task.state() == TaskState.PENDING
        && run.state().active()
        && run.stage(task.stage()).state() == TaskState.RUNNING) {
      AttemptKey next = AttemptKey.of(task, task.attempts().size() + 1);
      String node = alive.get(next);
      if (node != null) {
        coordinator.dispatched(run, task, next.attempt(), node);
        dispatcher.pool().assign(node, next);
      } else {
        dispatcher.ready(task);
      }
    } else if (task.state() == TaskState.RUNNING) {
      var attempt = task.currentAttempt();
      AttemptKey key = AttemptKey.of(task, attempt.number());
      if (attempt.node().equals(alive.get(key))) {
        dispatcher.pool().assign(attempt.node(), key);
      } else {
        coordinator.ended(
            run,
            task,
            attempt.number(),
            AttemptState.LOST,
            null,
            "node " + attempt.node() + " no longer runs it (the orchestrator changed)",
            null);
      }
    }
  }

  private Future<Void> loadSpawn(Run run, StageRun stage) {
    return vertx
        .executeBlocking(() -> store.spawnEntries(run.id(), stage.index()))
        .onSuccess(
            entries -> {
              if (runs.get(run.id()) == run && !stage.spawned()) { // not rolled back meanwhile
                coordinator.spawned(run, stage, entries);
              }
            })
        .onFailure(
            e ->
                LOG.error(
                    "run {} stage {}: stored spawn entries unreadable: {}",
                    run.id(),
                    stage.index(),
                    e.toString()))
        .mapEmpty();
  }
}
