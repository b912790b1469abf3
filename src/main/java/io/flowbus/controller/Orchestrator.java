package io.flowbus.controller;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.DurableConsumers;
import io.flowbus.cluster.Membership;
import io.flowbus.cluster.ResultBatch;
import io.flowbus.config.NodeConfig;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.OrchestratorLock;
import io.flowbus.storage.RunStore;
import io.flowbus.storage.ScheduleJournal;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator, deployed on the one node that orchestrates now: it takes the lock on the data
 * directory, builds the {@link Engine}, takes over ({@link Takeover}), then listens for results and
 * API requests and sweeps its workers. Nothing calls back into it.
 */
public final class Orchestrator extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);
  private static final long SWEEP_MS = 5_000;
  private static final long LOCK_RETRY_MS = 500;
  private static final long METRICS_MS = 1_000;
  private static final long STRANDED_MS = 60_000;

  private final NodeConfig config;
  private final Membership membership;
  private final DefinitionsStore definitions;
  private final Clock clock;
  private final OrchestratorMetrics metrics;
  private OrchestratorLock lock;
  private JournalWriter journal;
  private Runnable unsubscribe = () -> {};
  private Runnable stopRetention = () -> {};
  private long sweepTimer = -1;
  private long metricsTimer = -1;
  private long strandedTimer = -1;
  private Scheduler scheduler;

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
        .onFailure(e -> LOG.error("the orchestrator could not start; releasing the data directory"))
        .onFailure(e -> vertx.executeBlocking(this::release));
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
              return Future.<Void>future(
                  p -> vertx.setTimer(LOCK_RETRY_MS, t -> acquireLock().onComplete(p)));
            });
  }

  private Future<?> startOrchestrating(DataLayout layout) {
    journal = new JournalWriter(config.fsync());
    RunStore store = new RunStore(layout, journal);
    Engine engine =
        new Engine(
            vertx,
            context,
            clock,
            store,
            metrics,
            membership,
            definitions,
            config.retention(),
            config.webhookSecret(),
            new ScheduleJournal(layout, journal));
    metrics.register();
    DurableConsumers consumers = new DurableConsumers(vertx);
    return consumers
        .<ResultBatch>add(Addresses.ORCHESTRATOR_RESULTS, engine.results()::handle)
        .compose(v -> vertx.executeBlocking(store::loadAll))
        .compose(loaded -> engine.takeOver(loaded))
        .compose(
            v ->
                Future.all(
                    consumers.<JsonObject>add(
                        Addresses.orchestratorApi(membership.selfId()), engine.endpoint()::handle),
                    consumers.<String>add(
                        Addresses.WORKERS_CHANGED, m -> engine.inventory().ask(m.body()))))
        .onSuccess(
            v -> {
              consumers.watch();
              started(engine);
            });
  }

  private void started(Engine engine) {
    engine.results().open();
    scheduler = engine.scheduler();
    scheduler.start();
    unsubscribe = membership.onChange(context, engine.inventory()::membershipChanged);
    sweepTimer = vertx.setPeriodic(SWEEP_MS, t -> engine.inventory().membershipChanged());
    metricsTimer =
        vertx.setPeriodic(METRICS_MS, t -> metrics.refresh(engine.runs(), engine.dispatcher()));
    strandedTimer = vertx.setPeriodic(STRANDED_MS, t -> engine.stranded().check());
    engine.retention().start();
    stopRetention = engine.retention()::stop;
    LOG.info(
        "orchestrating on node {}: {} runs, {} not ended",
        membership.selfId(),
        engine.runs().size(),
        engine.runs().notEnded());
  }

  @Override
  public Future<?> stop() {
    unsubscribe.run();
    stopRetention.run();
    if (scheduler != null) {
      scheduler.stop();
    }
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(metricsTimer);
    vertx.cancelTimer(strandedTimer);
    metrics.unregister();
    return vertx.executeBlocking(this::release);
  }

  private Void release() throws java.io.IOException {
    if (journal != null) {
      journal.close();
    }
    lock.close();
    return null;
  }
}
