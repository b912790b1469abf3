package io.flowbus.controller;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.Membership;
import io.flowbus.config.WebhookSecret;
import io.flowbus.model.Run;
import io.flowbus.storage.RunStore;
import io.flowbus.storage.ScheduleJournal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The orchestrator's parts, each given what it needs, in the order a run's data flows: an API
 * request or a worker's result drives the {@link RunCoordinator}, whose events go through {@link
 * DurableEffects} to the journal and, once durable, out through {@link RunEffects} to event streams
 * and the {@link ReadyQueue}, from which the {@link Dispatcher} sends tasks to workers.
 */
final class Engine {
  private final Runs runs = new Runs();
  private final RunIds ids;
  private final IdempotencyKeys keys;
  private final Dispatcher dispatcher;
  private final WorkerInventory inventory;
  private final Takeover takeover;
  private final Notifications notifications;
  private final Results results;
  private final OrchestratorEndpoint endpoint;
  private final Retention retention;
  private final ScheduleBook book;
  private final Scheduler scheduler;
  private final StrandedTasks stranded;
  private final RunWatchers watchers;

  Engine(
      Vertx vertx,
      Context context,
      Clock clock,
      RunStore store,
      OrchestratorMetrics metrics,
      Membership membership,
      DefinitionsStore definitions,
      Duration keep,
      WebhookSecret webhookSecret,
      ScheduleJournal scheduleJournal) {
    ids = new RunIds(clock);
    keys = new IdempotencyKeys(clock);
    ReadyQueue queue = new ReadyQueue();
    WorkerClient workers = new WorkerClient(vertx, membership.selfId(), membership::isMember);
    RunEffects visible = new RunEffects(vertx, clock, runs, queue, workers, metrics);
    watchers = new RunWatchers(clock);
    DurableEffects durable = new DurableEffects(context, EventStore.of(store), visible, watchers);
    RunCoordinator coordinator = new RunCoordinator(clock, durable);
    dispatcher = new Dispatcher(vertx, clock, runs, queue, workers, coordinator);
    stranded = new StrandedTasks(runs, dispatcher, durable::settledNow);
    inventory = new WorkerInventory(membership, runs, coordinator, dispatcher, workers);
    takeover = new Takeover(vertx, membership, runs, store, coordinator, dispatcher, inventory);
    notifications = notifications(vertx, clock, coordinator, webhookSecret, visible, durable);
    results = new Results(vertx, runs, store, durable, coordinator, dispatcher);
    RunCreation creation =
        new RunCreation(context, definitions, runs, store, durable, coordinator, ids, keys);
    book = new ScheduleBook(context, scheduleJournal);
    ScheduleFires fires =
        new ScheduleFires(clock, definitions, book, creation, keys, runs, durable, coordinator);
    scheduler = new Scheduler(vertx, clock, definitions, book, fires, runs);
    ScheduleCommands schedules = new ScheduleCommands(clock, definitions, book, fires, runs);
    RunWrites writes =
        new RunWrites(
            context,
            runs,
            store,
            durable,
            coordinator,
            queue,
            keys,
            takeover::rolledBack,
            creation,
            schedules);
    endpoint =
        new OrchestratorEndpoint(
            new RunQueries(runs, membership, dispatcher, schedules, watchers), writes, durable);
    retention = new Retention(vertx, clock, keep, runs, store, writes);
  }

  /** Deliveries of a run's ends, planned again when a run is rolled back to its journal. */
  private Notifications notifications(
      Vertx vertx,
      Clock clock,
      RunCoordinator coordinator,
      WebhookSecret secret,
      RunEffects visible,
      DurableEffects durable) {
    WebhookSender sender = new WebhookSender(vertx, secret, WebhookSender.TIMEOUT);
    Notifications planned =
        new Notifications(vertx, clock, runs, coordinator, sender, Backoff.DEFAULT);
    visible.afterDurable(planned::recorded);
    durable.afterRollBack(
        run -> {
          takeover.rolledBack(run);
          planned.plan(run);
        });
    return planned;
  }

  /** Holds the runs loaded from the journals and puts each where it belongs. */
  Future<Void> takeOver(List<Run> loaded) {
    watchers.takenOver(loaded.stream().map(Run::id).toList());
    loaded.stream().sorted(Comparator.comparing(Run::createdAt)).forEach(keys::index);
    Future<Void> done = takeover.recover(loaded, results::early);
    loaded.forEach(notifications::plan);
    if (runs.lastId() != null) {
      ids.after(runs.lastId());
    }
    return done.compose(v -> book.load(runs.all()));
  }

  Scheduler scheduler() {
    return scheduler;
  }

  Runs runs() {
    return runs;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  WorkerInventory inventory() {
    return inventory;
  }

  Results results() {
    return results;
  }

  OrchestratorEndpoint endpoint() {
    return endpoint;
  }

  StrandedTasks stranded() {
    return stranded;
  }

  Retention retention() {
    return retention;
  }
}
