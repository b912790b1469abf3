package io.flowbus.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The records that cross the event bus for every task, each with its {@link RecordCodec} as the
 * default codec of its class: a batch of assignments or results for this node's own worker or
 * orchestrator is handed over as it is, one for another node travels as its JSON form. Every node
 * registers the same codecs, so that it can read what the others send.
 */
public final class BusCodecs {
  /** The event buses that have the codecs: a codec is registered once per bus. */
  private static final Set<EventBus> DONE = Collections.newSetFromMap(new WeakHashMap<>());

  private BusCodecs() {}

  /** Registers the codecs on {@code vertx}'s event bus, unless they are already. */
  public static void register(Vertx vertx) {
    EventBus bus = vertx.eventBus();
    synchronized (DONE) {
      if (!DONE.add(bus)) {
        return;
      }
      bus.registerDefaultCodec(
          AssignmentBatch.class,
          new RecordCodec<>(
              "flowbus.assignment-batch", AssignmentBatch::toJson, AssignmentBatch::fromJson));
      bus.registerDefaultCodec(
          AssignmentBatch.Answers.class,
          new RecordCodec<>(
              "flowbus.assignment-batch.answers",
              AssignmentBatch.Answers::toJson,
              AssignmentBatch.Answers::fromJson));
      bus.registerDefaultCodec(
          ResultBatch.class,
          new RecordCodec<>("flowbus.result-batch", ResultBatch::toJson, ResultBatch::fromJson));
      bus.registerDefaultCodec(
          ResultBatch.Answers.class,
          new RecordCodec<>(
              "flowbus.result-batch.answers",
              ResultBatch.Answers::toJson,
              ResultBatch.Answers::fromJson));
    }
  }
}
