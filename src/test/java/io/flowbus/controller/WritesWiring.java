package io.flowbus.controller;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.storage.RunStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The run-writing side of an orchestrator wired as {@code Engine} wires it, on a real journal and
 * the definitions {@code yaml}: for tests of what creates, changes and deletes runs.
 */
record WritesWiring(Runs runs, IdempotencyKeys keys, RunWrites writes) {

  static WritesWiring of(
      Vertx vertx,
      Context context,
      Clock clock,
      RunStore store,
      EventStore events,
      String yaml,
      Path data)
      throws DefinitionsException {
    Runs runs = new Runs();
    IdempotencyKeys keys = new IdempotencyKeys(clock);
    ReadyQueue queue = new ReadyQueue();
    RunEffects visible =
        new RunEffects(
            vertx,
            clock,
            runs,
            queue,
            new WorkerClient(vertx, "orchestrator-node", node -> true),
            new OrchestratorMetrics(new SimpleMeterRegistry()));
    DurableEffects durable = new DurableEffects(context, events, visible);
    RunCoordinator coordinator = new RunCoordinator(clock, durable);
    DefinitionsStore definitions =
        new DefinitionsStore(
            vertx, DefinitionsLoader.parse(yaml, "t.yaml"), yaml, data.resolve("defs.yaml"));
    RunCreation creation =
        new RunCreation(
            context, definitions, runs, store, durable, coordinator, new RunIds(clock), keys);
    RunWrites writes =
        new RunWrites(
            context, runs, store, durable, coordinator, queue, keys, run -> {}, creation, null);
    return new WritesWiring(runs, keys, writes);
  }
}
