package io.flowbus.controller;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.TaskAssignment;
import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives ready tasks to workers with free slots, one request-reply per attempt, to the node chosen
 * here: the one with the most free slots. Runs take turns, and a stage's {@code max_parallel} is
 * counted over the whole cluster.
 */
final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
  private static final long ASSIGN_TIMEOUT_MS = 10_000;
  private static final long PAUSE_AFTER_BUSY_MS = 500;

  /** What becomes of a sent task. */
  interface Outcomes {
    Run run(String runId);

    /** The worker took the attempt. */
    void accepted(TaskRun task, int attempt, String node);

    /** The worker never answered: the attempt may run there, so it counts, as lost. */
    void unanswered(TaskRun task, int attempt, String node, String reason);

    /** The task cannot run anywhere. */
    void rejected(TaskRun task, String error);
  }

  private final Vertx vertx;
  private final io.vertx.core.Context context;
  private final Clock clock;
  private final Outcomes outcomes;
  private final WorkerPool pool = new WorkerPool();
  private final ReadyQueue queue = new ReadyQueue();
  private final Map<String, Integer> startingPerStage = new HashMap<>();

  /** Tasks on their way to a node, by task key: the node and the attempt's key. */
  private final Map<String, Starting> starting = new HashMap<>();

  private record Starting(String node, String attemptKey) {}

  private boolean pumpScheduled;
  private long wakeUpTimer = -1;
  private Instant wakeUpAt;

  Dispatcher(Vertx vertx, Clock clock, Outcomes outcomes) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.outcomes = outcomes;
  }

  static String attemptKey(String runId, String taskId, int attempt) {
    return runId + "/" + taskId + "#" + attempt;
  }

  /** The run id, task id and attempt number of an {@link #attemptKey}. */
  record Attempt(String runId, String taskId, int number) {
    static Attempt parse(String attemptKey) {
      int slash = attemptKey.indexOf('/');
      int hash = attemptKey.lastIndexOf('#');
      return new Attempt(
          attemptKey.substring(0, slash),
          attemptKey.substring(slash + 1, hash),
          Integer.parseInt(attemptKey.substring(hash + 1)));
    }
  }

  WorkerPool pool() {
    return pool;
  }

  int queued() {
    return queue.size() + queue.delayedSize();
  }

  /** A task to start; one that ran before (its worker was lost) goes first in its run's queue. */
  void ready(TaskRun task) {
    if (!task.attempts().isEmpty() && task.notBefore() == null) {
      queue.addFirst(task);
    } else {
      queue.add(task, clock.instant());
    }
    schedulePump();
  }

  void forget(String runId) {
    queue.removeRun(runId);
  }

  /** Pumps once after the current burst of events, however many tasks it made ready. */
  void schedulePump() {
    if (!pumpScheduled) {
      pumpScheduled = true;
      context.runOnContext(
          v -> {
            pumpScheduled = false;
            pump();
          });
    }
  }

  private void pump() {
    Instant now = clock.instant();
    queue.release(now);
    while (true) {
      WorkerPool.Worker worker = pool.pick(now.toEpochMilli());
      if (worker == null) {
        break;
      }
      TaskRun task = queue.next(this::stillWaiting, this::mayStart);
      if (task == null) {
        break;
      }
      send(worker, task);
    }
    scheduleWakeUp(now);
  }

  private boolean stillWaiting(TaskRun task) {
    Run run = outcomes.run(task.runId());
    return run != null
        && run.state() == RunState.RUNNING
        && task.state() == TaskState.PENDING
        && !starting.containsKey(ReadyQueue.key(task));
  }

  private boolean mayStart(TaskRun task) {
    StageRun stage = outcomes.run(task.runId()).stage(task.stage());
    int limit = stage.def().maxParallel();
    if (limit <= 0 || task.kind() != io.flowbus.model.TaskKind.TASK) {
      return true;
    }
    int active =
        stage.counts().get(TaskState.RUNNING) + startingPerStage.getOrDefault(stageKey(task), 0);
    return active < limit;
  }

  private static String stageKey(TaskRun task) {
    return task.runId() + "/" + task.stage();
  }

  private void send(WorkerPool.Worker worker, TaskRun task) {
    Run run = outcomes.run(task.runId());
    int attempt = task.attempts().size() + 1;
    TaskAssignment assignment;
    try {
      assignment = Assignments.of(run, task, attempt);
    } catch (Assignments.MissingInputsException e) {
      outcomes.rejected(task, e.getMessage());
      return;
    }
    String key = attemptKey(run.id(), task.id(), attempt);
    pool.assign(worker.id, key);
    Starting sent = new Starting(worker.id, key);
    starting.put(ReadyQueue.key(task), sent);
    startingPerStage.merge(stageKey(task), 1, Integer::sum);
    vertx
        .eventBus()
        .request(
            Addresses.workerTasks(worker.id),
            assignment.toJson(),
            new DeliveryOptions().setSendTimeout(ASSIGN_TIMEOUT_MS))
        .onComplete(
            ar -> {
              if (!starting.remove(ReadyQueue.key(task), sent)) {
                return; // the node left while the request was on its way: handled then
              }
              startingPerStage.merge(stageKey(task), -1, Integer::sum);
              TaskRun now = current(task); // the run may have been rebuilt from its journal
              if (ar.succeeded()) {
                taken(now, task, attempt, worker.id);
              } else if (now != null) {
                refused(now, attempt, worker.id, ar.cause());
              }
              schedulePump();
            });
  }

  /** The task as the run holds it now, or null if the run is gone. */
  private TaskRun current(TaskRun task) {
    Run run = outcomes.run(task.runId());
    return run == null ? null : run.findTask(task.id()).orElse(null);
  }

  private void taken(TaskRun task, TaskRun sent, int attempt, String node) {
    Run run = outcomes.run(sent.runId());
    if (task != null && task.isCurrent(attempt) && task.currentAttempt().node().equals(node)) {
      return; // adopted already, by a run rebuilt from its journal
    }
    if (task != null
        && run.state() == RunState.RUNNING
        && task.state() == TaskState.PENDING
        && task.attempts().size() + 1 == attempt) {
      outcomes.accepted(task, attempt, node);
    } else {
      // cancelled while on its way: stop it there; its result will be ignored but frees the slot
      cancel(node, sent.runId(), sent.id(), attempt, "the run no longer needs it");
    }
  }

  private void refused(TaskRun task, int attempt, String node, Throwable cause) {
    long now = clock.millis();
    if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      LOG.warn("node {} did not answer for task {}/{}", node, task.runId(), task.id());
      pool.refused(node, true, now);
      // the slot is counted again if the node's inventory shows the attempt does run there
      pool.release(node, attemptKey(task.runId(), task.id(), attempt));
      if (stillWaiting(task)) {
        outcomes.unanswered(task, attempt, node, "node " + node + " did not answer the assignment");
      } else {
        cancel(node, task.runId(), task.id(), attempt, "the run no longer needs it");
      }
      return;
    }
    pool.release(node, attemptKey(task.runId(), task.id(), attempt));
    boolean gone =
        cause instanceof ReplyException reply
            && (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureCode() == 503);
    pool.refused(node, gone, now + PAUSE_AFTER_BUSY_MS);
    LOG.debug("node {} refused task {}/{}: {}", node, task.runId(), task.id(), cause.getMessage());
    if (stillWaiting(task)) {
      queue.addFirst(task);
    }
  }

  /**
   * The attempts that workers hold, by attempt key: the node of each (not those still on their way
   * to a node, whose answer is awaited).
   */
  Map<String, String> heldAttempts() {
    Map<String, String> held = new HashMap<>();
    for (WorkerPool.Worker w : pool.workers()) {
      w.attempts.forEach(key -> held.put(key, w.id));
    }
    starting.values().forEach(s -> held.remove(s.attemptKey()));
    return held;
  }

  /** The attempt ended on {@code node}: its slot is free again. */
  void released(String node, String runId, String taskId, int attempt) {
    pool.release(node, attemptKey(runId, taskId, attempt));
    schedulePump();
  }

  void stop(TaskRun task, String reason) {
    var attempt = task.currentAttempt();
    if (attempt != null) {
      cancel(attempt.node(), task.runId(), task.id(), attempt.number(), reason);
    }
  }

  private void cancel(String node, String runId, String taskId, int attempt, String reason) {
    JsonObject body =
        new JsonObject()
            .put("op", "cancel")
            .put("run_id", runId)
            .put("task_id", taskId)
            .put("attempt", attempt)
            .put("reason", reason);
    vertx
        .eventBus()
        .request(Addresses.workerControl(node), body)
        .onFailure(
            e -> LOG.warn("cannot stop {}/{} on {}: {}", runId, taskId, node, e.getMessage()));
  }

  /**
   * Takes in the members; returns the workers that left with the attempts they held. Tasks on their
   * way to a node that left go back to the queue at once, not at their request's timeout.
   */
  List<WorkerPool.Worker> syncWorkers(List<NodeInfo> nodes) {
    List<WorkerPool.Worker> gone = pool.sync(nodes);
    for (WorkerPool.Worker worker : gone) {
      List<String> onTheirWay =
          starting.entrySet().stream()
              .filter(e -> e.getValue().node().equals(worker.id))
              .map(Map.Entry::getKey)
              .toList();
      onTheirWay.forEach(starting::remove);
      onTheirWay.forEach(this::requeueStarting);
    }
    schedulePump();
    return gone;
  }

  private void requeueStarting(String taskKey) {
    int slash = taskKey.indexOf('/');
    Run run = outcomes.run(taskKey.substring(0, slash));
    if (run != null) {
      run.findTask(taskKey.substring(slash + 1))
          .ifPresent(
              task -> {
                startingPerStage.merge(stageKey(task), -1, Integer::sum);
                if (stillWaiting(task)) {
                  queue.addFirst(task);
                }
              });
    }
  }

  /**
   * The node answered its inventory: it listens, and takes work unless it drains. What it holds is
   * what it says it runs or has finished, plus what is on its way to it: slots counted from a
   * request that timed out, or a result that never came, are corrected here.
   */
  void confirmed(String node, boolean draining, java.util.Set<String> attempts) {
    java.util.Set<String> held = new java.util.HashSet<>(attempts);
    starting.values().stream()
        .filter(s -> s.node().equals(node))
        .forEach(s -> held.add(s.attemptKey()));
    pool.reconcile(node, held);
    pool.confirmed(node, draining);
    schedulePump();
  }

  private void scheduleWakeUp(Instant now) {
    Instant next = queue.nextRelease();
    long pausedUntil =
        pool.workers().stream()
            .mapToLong(w -> w.pausedUntil)
            .filter(t -> t > now.toEpochMilli())
            .min()
            .orElse(0);
    if (pausedUntil > 0 && queue.size() > 0) {
      Instant resume = Instant.ofEpochMilli(pausedUntil);
      next = next == null || resume.isBefore(next) ? resume : next;
    }
    if (next == null || next.equals(wakeUpAt)) {
      return;
    }
    if (wakeUpTimer >= 0) {
      vertx.cancelTimer(wakeUpTimer);
    }
    wakeUpAt = next;
    long delay = Math.max(1, Duration.between(now, next).toMillis());
    wakeUpTimer =
        vertx.setTimer(
            delay,
            t -> {
              wakeUpTimer = -1;
              wakeUpAt = null;
              pump();
            });
  }
}
