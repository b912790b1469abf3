package io.flowbus.controller;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.DurableConsumers;
import io.flowbus.cluster.Membership;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.TaskResult;
import io.flowbus.config.NodeConfig;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Changes;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskKind;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.OrchestratorLock;
import io.flowbus.storage.RunStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator: deployed on the one node that orchestrates now. It owns every run in memory,
 * journals each change before acknowledging what caused it, and takes over from a predecessor by
 * replaying the journals and adopting the attempts that workers still run.
 */
public final class Orchestrator extends VerticleBase
    implements RunCoordinator.Effects, Dispatcher.Outcomes {
  private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);
  private static final long INVENTORY_TIMEOUT_MS = 3_000;
  private static final long SWEEP_MS = 5_000;
  private static final long LOCK_RETRY_MS = 500;
  private static final long METRICS_MS = 1_000;

  private final NodeConfig config;
  private final Membership membership;
  private final DefinitionsStore definitions;
  private final Clock clock;
  private final OrchestratorMetrics metrics;
  private final NavigableMap<String, Run> runs = new TreeMap<>();
  private JournalWriter journal;
  private RunStore store;
  private RunCoordinator coordinator;
  private Dispatcher dispatcher;
  private RunIds ids;
  private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
  private List<Message<JsonObject>> early = new ArrayList<>();
  private Runnable unsubscribe = () -> {};
  private long sweepTimer = -1;
  private long metricsTimer = -1;
  private OrchestratorLock lock;

  public Orchestrator(
      NodeConfig config,
      Membership membership,
      DefinitionsStore definitions,
      MeterRegistry registry,
      Clock clock) {
    this.config = config;
    this.membership = membership;
    this.definitions = definitions;
    this.clock = clock;
    this.metrics = new OrchestratorMetrics(registry);
  }

  @Override
  public Future<?> start() {
    DataLayout layout = new DataLayout(config.dataDir());
    lock = new OrchestratorLock(layout);
    return acquireLock()
        .compose(v -> startOrchestrating(layout))
        .onFailure(e -> releaseAfterFailedStart());
  }

  /** Vert.x does not stop a verticle whose start failed: free what start took here. */
  private void releaseAfterFailedStart() {
    LOG.error("the orchestrator could not start; releasing the data directory");
    vertx.executeBlocking(
        () -> {
          if (journal != null) {
            journal.close();
          }
          lock.close();
          return null;
        });
  }

  /** Waits until no other orchestrator (a predecessor still alive, a split cluster) holds it. */
  private Future<Void> acquireLock() {
    return vertx
        .executeBlocking(lock::tryAcquire)
        .compose(
            held -> {
              if (held) {
                return Future.succeededFuture();
              }
              if (!membership.isLeader()) {
                return Future.failedFuture("no longer the oldest controller: not orchestrating");
              }
              LOG.warn("another orchestrator holds the lock on the data directory; waiting");
              return io.vertx.core.Future.<Void>future(
                  p -> vertx.setTimer(LOCK_RETRY_MS, t -> acquireLock().onComplete(p)));
            });
  }

  private Future<?> startOrchestrating(DataLayout layout) {
    journal = new JournalWriter(config.fsync());
    store = new RunStore(layout, journal);
    coordinator = new RunCoordinator(clock, this);
    dispatcher = new Dispatcher(vertx, clock, this);
    ids = new RunIds(clock);
    metrics.register();
    OrchestratorApi api = new OrchestratorApi(this);
    DurableConsumers consumers = new DurableConsumers(vertx);
    return consumers
        .<JsonObject>add(Addresses.ORCHESTRATOR_RESULTS, this::onResult)
        .compose(v -> vertx.executeBlocking(store::loadAll))
        .compose(this::recover)
        .compose(
            v ->
                Future.all(
                    consumers.<JsonObject>add(Addresses.ORCHESTRATOR_API, api::handle),
                    consumers.<String>add(Addresses.WORKERS_CHANGED, m -> inventory(m.body()))))
        .onSuccess(
            v -> {
              consumers.watch();
              started();
            });
  }

  private void started() {
    List<Message<JsonObject>> waiting = early;
    early = null;
    waiting.forEach(this::onResult);
    unsubscribe = membership.onChange(context, this::membershipChanged);
    sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> membershipChanged());
    metricsTimer = vertx.setPeriodic(METRICS_MS, t -> metrics.refresh(runs, dispatcher));
    long active = runs.values().stream().filter(r -> !r.state().ended()).count();
    LOG.info(
        "orchestrating on node {}: {} runs, {} not ended",
        membership.selfId(),
        runs.size(),
        active);
  }

  @Override
  public Future<?> stop() {
    unsubscribe.run();
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(metricsTimer);
    metrics.unregister();
    if (dispatcher == null) {
      return vertx.executeBlocking(
          () -> {
            lock.close();
            return null;
          });
    }
    return vertx.executeBlocking(
        () -> {
          if (journal != null) {
            journal.close();
          }
          lock.close();
          return null;
        });
  }

  // ---- taking over -------------------------------------------------------------------------

  /** Rebuilds the runs, adopts attempts that still run, puts the rest back in the queue. */
  private Future<Void> recover(List<Run> loaded) {
    loaded.forEach(r -> runs.put(r.id(), r));
    if (!runs.isEmpty()) {
      ids.after(runs.lastKey());
    }
    dispatcher.syncWorkers(membership.nodes());
    List<Future<JsonObject>> inventories = new ArrayList<>();
    for (NodeInfo node : membership.nodes()) {
      if (node.isWorker()) {
        inventories.add(inventory(node.id()));
      }
    }
    return Future.join(inventories)
        .transform(
            ar -> {
              Map<String, String> alive = new HashMap<>();
              for (Future<JsonObject> f : inventories) {
                if (f.succeeded()) {
                  String node = f.result().getString("node");
                  attemptsOf(f.result()).forEach(key -> alive.put(key, node));
                }
              }
              // results that reached this node while it took over will be applied: not lost
              for (Message<JsonObject> m : early) {
                TaskResult r = TaskResult.fromJson(m.body());
                alive.put(Dispatcher.attemptKey(r.runId(), r.taskId(), r.attempt()), r.node());
              }
              return resume(alive);
            });
  }

  private static Set<String> attemptsOf(JsonObject inventory) {
    Set<String> keys = new HashSet<>();
    for (String list : List.of("running", "finished")) {
      for (Object o : inventory.getJsonArray(list, new JsonArray())) {
        JsonObject a = (JsonObject) o;
        keys.add(
            Dispatcher.attemptKey(
                a.getString("run_id"), a.getString("task_id"), a.getInteger("attempt")));
      }
    }
    return keys;
  }

  /**
   * Puts every task where it belongs after a takeover: attempts that workers still hold are adopted
   * (also one accepted just before the predecessor could journal it), the others are lost and run
   * again, pending ones are queued. A cancelled run may still have tasks to account for.
   */
  private Future<Void> resume(Map<String, String> alive) {
    List<Future<Void>> spawns = new ArrayList<>();
    for (Run run : List.copyOf(runs.values())) {
      // a DAMAGED run is kept to be shown and deleted, never resumed: it has no running task
      if (run.state() != RunState.RUNNING && !run.hasRunningTasks()) {
        continue;
      }
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
    }
    return Future.join(spawns).mapEmpty();
  }

  private void resume(Run run, TaskRun task, Map<String, String> alive) {
    if (task.state() == TaskState.PENDING && run.state() == RunState.RUNNING) {
      int next = task.attempts().size() + 1;
      String node = alive.get(Dispatcher.attemptKey(run.id(), task.id(), next));
      if (node != null) {
        coordinator.dispatched(run, task, next, node);
        dispatcher.pool().assign(node, Dispatcher.attemptKey(run.id(), task.id(), next));
      } else {
        dispatcher.ready(task);
      }
    } else if (task.state() == TaskState.RUNNING) {
      var attempt = task.currentAttempt();
      String key = Dispatcher.attemptKey(run.id(), task.id(), attempt.number());
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
        .onSuccess(entries -> coordinator.spawned(run, stage, entries))
        .onFailure(
            e ->
                LOG.error(
                    "run {} stage {}: stored spawn entries unreadable: {}",
                    run.id(),
                    stage.index(),
                    e.toString()))
        .mapEmpty();
  }

  // ---- workers -----------------------------------------------------------------------------

  Future<JsonObject> inventory(String nodeId) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.workerControl(nodeId),
            new JsonObject().put("op", "inventory"),
            new DeliveryOptions().setSendTimeout(INVENTORY_TIMEOUT_MS))
        .map(Message::body)
        .onFailure(
            e -> {
              WorkerPool.Worker w = dispatcher.pool().get(nodeId);
              if (w != null && !w.available) {
                LOG.warn("worker {} does not answer its inventory yet: {}", nodeId, e.getMessage());
              }
            })
        .onSuccess(
            inv ->
                dispatcher.confirmed(nodeId, inv.getBoolean("draining", false), attemptsOf(inv)));
  }

  /**
   * Takes in who is in the cluster now: workers that left lose their attempts, new ones are asked
   * for their inventory. Runs on every membership change and, in case one was missed (a member that
   * joined while this orchestrator was starting), with every sweep.
   */
  private void membershipChanged() {
    for (WorkerPool.Worker gone : dispatcher.syncWorkers(membership.nodes())) {
      LOG.warn(
          "worker {} left the cluster with {} tasks: running them elsewhere",
          gone.id,
          gone.attempts.size());
      for (String key : gone.attempts) {
        lost(key, "node " + gone.id + " left the cluster");
      }
    }
    for (WorkerPool.Worker w : List.copyOf(dispatcher.pool().workers())) {
      inventory(w.id);
    }
  }

  private void lost(String attemptKey, String reason) {
    Dispatcher.Attempt attempt = Dispatcher.Attempt.parse(attemptKey);
    Run run = runs.get(attempt.runId());
    if (run != null) {
      run.findTask(attempt.taskId())
          .ifPresent(
              t ->
                  coordinator.ended(
                      run, t, attempt.number(), AttemptState.LOST, null, reason, null));
    }
  }

  // ---- results -----------------------------------------------------------------------------

  private void onResult(Message<JsonObject> message) {
    if (early != null) {
      early.add(message);
      return;
    }
    TaskResult result = TaskResult.fromJson(message.body());
    dispatcher.released(result.node(), result.runId(), result.taskId(), result.attempt());
    Run run = runs.get(result.runId());
    boolean takes = run != null && run.state() != RunState.DAMAGED;
    TaskRun task = takes ? run.findTask(result.taskId()).orElse(null) : null;
    if (task == null
        || !task.isCurrent(result.attempt())
        || !task.currentAttempt().node().equals(result.node())) {
      message.reply(new JsonObject().put("applied", false));
      return;
    }
    if (task.kind() == TaskKind.SPAWN && result.outcome() == AttemptState.SUCCEEDED) {
      vertx
          .executeBlocking(() -> store.spawnEntries(run.id(), task.stage()))
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  apply(run, task, result, ar.result());
                } else {
                  coordinator.ended(
                      run,
                      task,
                      result.attempt(),
                      AttemptState.FAILED,
                      result.exitCode(),
                      "the spawn entries the worker stored cannot be read: "
                          + ar.cause().getMessage(),
                      null);
                }
                acknowledgeWhenWritten(message);
              });
      return;
    }
    apply(run, task, result, null);
    acknowledgeWhenWritten(message);
  }

  private void apply(Run run, TaskRun task, TaskResult r, List<Map<String, String>> entries) {
    coordinator.ended(run, task, r.attempt(), r.outcome(), r.exitCode(), r.error(), entries);
  }

  /** A result is acknowledged only once what it changed is in the journal. */
  void acknowledgeWhenWritten(Message<?> message) {
    lastWrite.whenComplete(
        (v, e) ->
            onContext(
                () -> {
                  if (e == null) {
                    message.reply(new JsonObject().put("applied", true));
                  } else {
                    message.fail(500, "the journal cannot be written: " + e.getMessage());
                  }
                }));
  }

  // ---- effects of the coordinator and the dispatcher ----------------------------------------

  @Override
  public void recorded(Run run, RunEvent event, Changes changes) {
    if (event instanceof RunEvent.Created) {
      runs.put(run.id(), run);
    }
    lastWrite = store.record(run, event);
    lastWrite.exceptionally(
        e -> {
          LOG.error("run {}: journal write failed: {}", run.id(), e.toString());
          return null;
        });
    RunEventPublisher.publish(vertx, run, event, changes);
    metrics.recorded(run, event);
    logRunChange(run, event);
  }

  private static void logRunChange(Run run, RunEvent event) {
    String what;
    if (event instanceof RunEvent.Created) {
      what = "created";
    } else if (event instanceof RunEvent.Started) {
      what = "started";
    } else if (event instanceof RunEvent.StageEnded e) {
      what = "stage " + e.stage() + " " + e.state() + (e.error() == null ? "" : ": " + e.error());
    } else if (event instanceof RunEvent.Cancelled || event instanceof RunEvent.Ended) {
      what = run.state() + (run.error() == null ? "" : ": " + run.error());
    } else {
      return;
    }
    LOG.atInfo()
        .addKeyValue("run_id", run.id())
        .addKeyValue("job", run.jobId())
        .log("run {} of job {}: {}", run.id(), run.jobId(), what);
  }

  @Override
  public void ready(TaskRun task) {
    dispatcher.ready(task);
  }

  @Override
  public void stop(TaskRun task, String reason) {
    dispatcher.stop(task, reason);
  }

  @Override
  public Run run(String runId) {
    return runs.get(runId);
  }

  @Override
  public void accepted(TaskRun task, int attempt, String node) {
    coordinator.dispatched(runs.get(task.runId()), task, attempt, node);
  }

  @Override
  public void unanswered(TaskRun task, int attempt, String node, String reason) {
    Run run = runs.get(task.runId());
    coordinator.dispatched(run, task, attempt, node);
    coordinator.ended(run, task, attempt, AttemptState.LOST, null, reason, null);
  }

  @Override
  public void rejected(TaskRun task, String error) {
    coordinator.rejected(runs.get(task.runId()), task, error);
  }

  // ---- for the API operations --------------------------------------------------------------

  io.vertx.core.Vertx vertx() {
    return vertx;
  }

  /** Runs {@code action} on this verticle's event loop, where all run state is touched. */
  void onContext(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  NavigableMap<String, Run> runs() {
    return runs;
  }

  RunCoordinator coordinator() {
    return coordinator;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  RunStore store() {
    return store;
  }

  RunIds ids() {
    return ids;
  }

  DefinitionsStore definitions() {
    return definitions;
  }

  Membership membership() {
    return membership;
  }

  CompletableFuture<Void> lastWrite() {
    return lastWrite;
  }
}
