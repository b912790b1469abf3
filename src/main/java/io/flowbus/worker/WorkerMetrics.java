package io.flowbus.worker;

import io.flowbus.model.AttemptState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** The worker's meters: its task slots in use and free, and how long attempts ran, by outcome. */
final class WorkerMetrics {
  private final MeterRegistry registry;

  /** The duration timer of each outcome, registered once (a lookup per task costs). */
  private final Map<AttemptState, Timer> durations = new EnumMap<>(AttemptState.class);

  /**
   * @param running the attempts that hold a slot, read when the gauges are
   */
  WorkerMetrics(MeterRegistry registry, int slots, Map<String, ?> running) {
    this.registry = registry;
    Gauge.builder("flowbus.worker.slots.busy", running, Map::size)
        .description("Task slots of this node in use")
        .register(registry);
    Gauge.builder("flowbus.worker.slots.free", running, r -> slots - r.size())
        .description("Task slots of this node free")
        .register(registry);
  }

  void ended(AttemptState outcome, Duration took) {
    durations
        .computeIfAbsent(
            outcome,
            state ->
                Timer.builder("flowbus.task.duration")
                    .description("How long task attempts ran on this node")
                    .tag("outcome", state.name())
                    .register(registry))
        .record(took);
  }
}
