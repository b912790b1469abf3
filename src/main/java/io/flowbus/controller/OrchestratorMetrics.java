package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Run and task counters and cluster-wide gauges, kept by the orchestrating node. */
final class OrchestratorMetrics {
  private final MeterRegistry registry;
  private final List<Meter> gauges = new ArrayList<>();

  OrchestratorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void register(Map<String, Run> runs, Dispatcher dispatcher) {
    gauges.add(
        Gauge.builder(
                "flowbus.runs.active",
                runs,
                r -> r.values().stream().filter(x -> !x.state().ended()).count())
            .description("Runs created or running")
            .register(registry));
    gauges.add(
        Gauge.builder("flowbus.tasks.queued", dispatcher, Dispatcher::queued)
            .description("Task instances waiting for a worker slot (queue depth)")
            .register(registry));
    gauges.add(
        Gauge.builder("flowbus.cluster.slots.busy", dispatcher, d -> d.pool().busySlots())
            .description("Worker slots in use across the cluster")
            .register(registry));
    gauges.add(
        Gauge.builder("flowbus.cluster.slots.free", dispatcher, d -> d.pool().freeSlots())
            .description("Worker slots free across the cluster")
            .register(registry));
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
