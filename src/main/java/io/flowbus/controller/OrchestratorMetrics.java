package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Run and task counters and cluster-wide gauges, kept by the orchestrating node. */
final class OrchestratorMetrics {
  private final MeterRegistry registry;
  private final List<Meter> gauges = new ArrayList<>();

  OrchestratorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  // Read by the scrape thread, written on the orchestrator's loop by refresh().
  private final AtomicLong activeRuns = new AtomicLong();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicLong busy = new AtomicLong();
  private final AtomicLong free = new AtomicLong();

  void register() {
    gauges.add(gauge("flowbus.runs.active", "Runs created or running", activeRuns));
    gauges.add(
        gauge(
            "flowbus.tasks.queued",
            "Task instances waiting for a worker slot (queue depth)",
            queued));
    gauges.add(gauge("flowbus.cluster.slots.busy", "Worker slots in use across the cluster", busy));
    gauges.add(gauge("flowbus.cluster.slots.free", "Worker slots free across the cluster", free));
  }

  private Meter gauge(String name, String description, AtomicLong value) {
    return Gauge.builder(name, value, AtomicLong::get).description(description).register(registry);
  }

  /** Takes the current figures; called on the orchestrator's event loop. */
  void refresh(Runs runs, Dispatcher dispatcher) {
    activeRuns.set(runs.notEnded());
    queued.set(dispatcher.queued());
    busy.set(dispatcher.pool().busySlots());
    free.set(dispatcher.pool().freeSlots());
  }

  void unregister() {
    gauges.forEach(registry::remove);
    gauges.clear();
  }

  void recorded(Run run, RunEvent event) {
    if (event instanceof RunEvent.Created) {
      counter("flowbus.runs.submitted", "Runs created through the API", "job", run.jobId())
          .increment();
    } else if (event instanceof RunEvent.Ended || event instanceof RunEvent.Cancelled) {
      counter(
              "flowbus.runs.ended",
              "Runs ended, by final state",
              "job",
              run.jobId(),
              "state",
              run.state().name())
          .increment();
    } else if (event instanceof RunEvent.TaskEnded e) {
      counter(
              "flowbus.task.attempts",
              "Task attempts ended, by outcome",
              "outcome",
              e.outcome().name())
          .increment();
    } else if (event instanceof RunEvent.TaskLost) {
      counter("flowbus.task.attempts", "Task attempts ended, by outcome", "outcome", "LOST")
          .increment();
    } else if (event instanceof RunEvent.TaskRejected) {
      counter("flowbus.task.attempts", "Task attempts ended, by outcome", "outcome", "REJECTED")
          .increment();
    }
  }

  private Counter counter(String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }
}
