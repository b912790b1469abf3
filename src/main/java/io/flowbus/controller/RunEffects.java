package io.flowbus.controller;

import io.flowbus.model.AttemptKey;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.TaskRun;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run's changes do once they are durable ({@link DurableEffects} holds them until then): a
 * new run joins {@link Runs}, changes are published to its event streams and counted, ready tasks
 * join the {@link ReadyQueue}, stopped ones are cancelled on their worker.
 */
final class RunEffects implements DurableEffects.Visible {
  private static final Logger LOG = LoggerFactory.getLogger(RunEffects.class);

  private final Vertx vertx;
  private final Clock clock;
  private final Runs runs;
  private final ReadyQueue queue;
  private final WorkerClient workers;
  private final OrchestratorMetrics metrics;
  private BiConsumer<Run, RunEvent> afterDurable = (run, event) -> {};

  RunEffects(
      Vertx vertx,
      Clock clock,
      Runs runs,
      ReadyQueue queue,
      WorkerClient workers,
      OrchestratorMetrics metrics) {
    this.vertx = vertx;
    this.clock = clock;
    this.runs = runs;
    this.queue = queue;
    this.workers = workers;
    this.metrics = metrics;
  }

  @Override
  public void durable(Run run, RunEvent event, List<JsonObject> messages) {
    RunEventPublisher.publish(vertx, run.id(), messages);
    metrics.recorded(run, event);
    logRunChange(run, event);
    afterDurable.accept(run, event);
  }

  /** Tells {@code listener} of every event once it is in the journal. */
  void afterDurable(BiConsumer<Run, RunEvent> listener) {
    this.afterDurable = listener;
  }

  @Override
  public void created(Run run) {
    runs.put(run);
  }

  @Override
  public void ready(TaskRun task) {
    queue.offer(task, clock.instant());
  }

  @Override
  public void stop(TaskRun task, String reason) {
    var attempt = task.currentAttempt();
    if (attempt != null) {
      workers.cancel(attempt.node(), AttemptKey.of(task, attempt.number()), reason);
    }
  }

  @Override
  public void frozen(String runId) {
    queue.removeRun(runId);
  }

  /** Takes the run back as its journal holds it; its tasks are placed again by the takeover. */
  @Override
  public void rolledBack(String runId, Run run) {
    queue.removeRun(runId);
    if (run == null) {
      runs.remove(runId);
    } else if (runs.contains(runId)) {
      runs.put(run);
    }
  }

  private static void logRunChange(Run run, RunEvent event) {
    String what;
    if (event instanceof RunEvent.Created) {
      what = "created";
    } else if (event instanceof RunEvent.Started) {
      what = "started";
    } else if (event instanceof RunEvent.StageEnded e) {
      what = "stage " + e.stage() + " " + e.state() + (e.error() == null ? "" : ": " + e.error());
    } else if (event instanceof RunEvent.Paused
        || event instanceof RunEvent.Resumed
        || event instanceof RunEvent.Retried) {
      what = run.state() + (run.retried() > 0 ? " (retried " + run.retried() + ")" : "");
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
}
