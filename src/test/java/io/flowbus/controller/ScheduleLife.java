package io.flowbus.controller;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.RunStore;
import io.flowbus.storage.ScheduleJournal;
import io.flowbus.testing.OnContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One life of an orchestrator's schedule parts on a data directory, with the real journals: a test
 * ends it (as a crash would) and starts the next life on the same directory. Writes of the chosen
 * run events fail, as on a full disk.
 */
final class ScheduleLife implements AutoCloseable {
  private final Context context;
  private final JournalWriter writer = new JournalWriter(false);
  private final RunStore store;
  private final Runs runs = new Runs();
  private final IdempotencyKeys keys;
  private final DurableEffects durable;
  private final RunCoordinator coordinator;
  private final ScheduleBook book;
  private final Scheduler scheduler;
  private final ScheduleCommands commands;
  private final DefinitionsStore definitions;

  ScheduleLife(
      Vertx vertx, Path data, Clock clock, String yaml, Supplier<Predicate<RunEvent>> failing)
      throws Exception {
    context = vertx.getOrCreateContext();
    DataLayout layout = new DataLayout(data);
    store = new RunStore(layout, writer);
    keys = new IdempotencyKeys(clock);
    RunEffects visible =
        new RunEffects(
            vertx,
            clock,
            runs,
            new ReadyQueue(),
            new WorkerClient(vertx, "orchestrator-node", node -> true),
            new OrchestratorMetrics(new SimpleMeterRegistry()));
    durable = new DurableEffects(context, new FaultyEventStore(writer, store, failing), visible);
    coordinator = new RunCoordinator(clock, durable);
    definitions =
        new DefinitionsStore(
            vertx, DefinitionsLoader.parse(yaml, "t.yaml"), yaml, data.resolve("defs.yaml"));
    RunCreation creation =
        new RunCreation(
            context, definitions, runs, store, durable, coordinator, new RunIds(clock), keys);
    book = new ScheduleBook(context, new ScheduleJournal(layout, writer));
    ScheduleFires fires =
        new ScheduleFires(clock, definitions, book, creation, keys, runs, durable, coordinator);
    scheduler = new Scheduler(vertx, clock, definitions, book, fires, runs);
    commands = new ScheduleCommands(clock, definitions, book, fires, runs);
  }

  /** Takes over as the orchestrator does: the runs from their journals, then the schedules'. */
  ScheduleLife start() throws Exception {
    List<Run> loaded = store.loadAll();
    succeeds(
        () -> {
          loaded.forEach(runs::put);
          loaded.forEach(keys::index);
          return book.load(runs.all());
        });
    return this;
  }

  /** Puts other definitions in force, as an upload does. */
  void replaceDefinitions(String yaml) throws Exception {
    succeeds(() -> definitions.join().compose(v -> definitions.replace(yaml, "t.yaml")));
  }

  void tick() throws Exception {
    succeeds(scheduler::tick);
  }

  /** How long the scheduler would wait now before its next tick. */
  Duration untilNextTick() throws Exception {
    return on(scheduler::untilNextDue);
  }

  /** The runs, oldest first. */
  List<Run> runs() throws Exception {
    return on(() -> runs.all().stream().sorted(Comparator.comparing(Run::createdAt)).toList());
  }

  /** Forgets a run as its deletion does (by hand or by retention). */
  void forget(Run run) throws Exception {
    on(
        () -> {
          runs.remove(run.id());
          return null;
        });
  }

  void cancel(Run run) throws Exception {
    succeeds(
        () ->
            durable.step(
                () -> {
                  coordinator.cancel(run, "cancelled by the test");
                  return null;
                }));
  }

  ScheduleBook book() {
    return book;
  }

  ScheduleCommands commands() {
    return commands;
  }

  <T> T succeeds(Callable<Future<T>> step) throws Exception {
    return OnContext.succeeds(context, step);
  }

  <T> T on(Callable<T> action) throws Exception {
    return OnContext.call(context, action);
  }

  JsonObject view(String schedule) throws Exception {
    return on(() -> commands.get(schedule));
  }

  @Override
  public void close() {
    writer.close();
  }
}
