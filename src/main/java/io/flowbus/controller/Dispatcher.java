package io.flowbus.controller;

import io.flowbus.cluster.AssignmentBatch;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.TaskAssignment;
import io.flowbus.model.AttemptKey;
import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskKind;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives ready tasks to workers with free slots, each to the node chosen here: the one with the most
 * free slots. What one pass gives a node goes in one request-reply ({@link AssignmentBatch}), which
 * the worker answers for each attempt. Runs take turns, and a stage's {@code max_parallel} is
 * counted over the whole cluster. How a sent attempt fares (taken, refused, unanswered) is for
 * {@link AssignmentAnswers} to settle.
 */
final class Dispatcher {
  private static final long ASSIGN_TIMEOUT_MS = 10_000;
  private static final int MAX_BATCH = 256;

  private final Vertx vertx;
  private final io.vertx.core.Context context;
  private final Clock clock;
  private final Runs runs;
  private final ReadyQueue queue;
  private final WorkerClient workers;
  private final RunCoordinator coordinator;
  private final WorkerPool pool = new WorkerPool();
  private final OnTheirWay starting = new OnTheirWay();
  private final AssignmentAnswers answers;

  private boolean pumpScheduled;
  private final WakeUp wakeUp;

  Dispatcher(
      Vertx vertx,
      Clock clock,
      Runs runs,
      ReadyQueue queue,
      WorkerClient workers,
      RunCoordinator coordinator) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.clock = clock;
    this.runs = runs;
    this.queue = queue;
    this.workers = workers;
    this.coordinator = coordinator;
    this.answers = new AssignmentAnswers(clock, runs, queue, workers, coordinator, pool, starting);
    this.wakeUp = new WakeUp(vertx, this::pump);
    queue.whenOffered(this::schedulePump);
  }

  WorkerPool pool() {
    return pool;
  }

  int queued() {
    return queue.size() + queue.delayedSize();
  }

  void ready(TaskRun task) {
    queue.offer(task, clock.instant());
  }

  /** Whether the task waits in the queue or is on its way to a worker. */
  boolean holds(TaskRun task) {
    return queue.contains(task) || starting.of(ReadyQueue.key(task)) != null;
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
    Map<String, List<Handed>> handed = new LinkedHashMap<>();
    while (true) {
      WorkerPool.Worker worker = pool.pick(now.toEpochMilli());
      if (worker == null) {
        break;
      }
      TaskRun task = queue.next(this::stillWaiting, this::mayStart);
      if (task == null) {
        break;
      }
      Handed h = hand(worker, runs.get(task.runId()), task);
      if (h != null) {
        handed.computeIfAbsent(worker.id, id -> new ArrayList<>()).add(h);
      }
    }
    handed.forEach(this::send);
    scheduleWakeUp(now);
  }

  private boolean stillWaiting(TaskRun task) {
    return answers.stillWaiting(runs.get(task.runId()), task);
  }

  /** A paused run's tasks stay queued, its turn passed over, until it is resumed. */
  private boolean mayStart(TaskRun task) {
    Run run = runs.get(task.runId());
    if (run.state() != RunState.RUNNING) {
      return false;
    }
    StageRun stage = run.stage(task.stage());
    int limit = stage.def().maxParallel();
    if (limit <= 0 || task.kind() != TaskKind.TASK) {
      return true;
    }
    int active =
        stage.counts().get(TaskState.RUNNING) + starting.inStage(task.runId(), stage.index());
    return active < limit;
  }

  /** An attempt handed to a worker in this pass, to be sent with the others it was handed. */
  private record Handed(OnTheirWay.Sent sent, TaskAssignment assignment) {}

  /** Counts the attempt as on its way to the worker; null if the task cannot start. */
  private Handed hand(WorkerPool.Worker worker, Run run, TaskRun task) {
    int attempt = task.attempts().size() + 1;
    TaskAssignment assignment;
    try {
      assignment = Assignments.of(run, task, attempt);
    } catch (Assignments.MissingInputsException e) {
      coordinator.rejected(run, task, e.getMessage());
      return null;
    }
    AttemptKey key = AttemptKey.of(task, attempt);
    pool.assign(worker.id, key);
    OnTheirWay.Sent sent = new OnTheirWay.Sent(worker.id, key, task.stage());
    starting.add(sent);
    return new Handed(sent, assignment);
  }

  /** Sends what this pass handed the node, in messages of at most {@value #MAX_BATCH}. */
  private void send(String node, List<Handed> handed) {
    for (int from = 0; from < handed.size(); from += MAX_BATCH) {
      List<Handed> batch = handed.subList(from, Math.min(handed.size(), from + MAX_BATCH));
      List<OnTheirWay.Sent> sent = batch.stream().map(Handed::sent).toList();
      workers
          .assign(
              node,
              new AssignmentBatch(batch.stream().map(Handed::assignment).toList()),
              ASSIGN_TIMEOUT_MS)
          .onComplete(
              reply -> {
                if (answers.answered(sent, reply)) {
                  schedulePump();
                }
              });
    }
  }

  /**
   * A result came for an attempt still on its way to {@code node}: the worker took it, and its
   * answer is behind. The attempt is taken in now, so the result applies; the answer, when it
   * comes, changes nothing. Returns whether the attempt was on its way there.
   */
  boolean resultBeforeAnswer(AttemptKey key, String node) {
    return answers.resultBeforeAnswer(key, node);
  }

  /**
   * The attempts that workers hold, and the node of each (not those still on their way to a node,
   * whose answer is awaited).
   */
  Map<AttemptKey, String> heldAttempts() {
    Map<AttemptKey, String> held = new HashMap<>();
    for (WorkerPool.Worker w : pool.workers()) {
      w.attempts.forEach(key -> held.put(key, w.id));
    }
    starting.all().forEach(s -> held.remove(s.key()));
    return held;
  }

  /** The attempt ended on {@code node}: its slot is free again. */
  void released(String node, AttemptKey attempt) {
    pool.release(node, attempt);
    schedulePump();
  }

  /**
   * Takes in the members; returns the workers that left with the attempts they held. Tasks on their
   * way to a node that left go back to the queue at once, not at their request's timeout.
   */
  List<WorkerPool.Worker> syncWorkers(List<NodeInfo> nodes) {
    List<WorkerPool.Worker> gone = pool.sync(nodes);
    for (WorkerPool.Worker worker : gone) {
      starting.to(worker.id).forEach(answers::nodeLeft);
    }
    schedulePump();
    return gone;
  }

  /**
   * The node answered its inventory: it listens, and takes work unless it drains. What it holds is
   * what it says it runs or has finished, plus what is on its way to it: slots counted from a
   * request that timed out, or a result that never came, are corrected here.
   */
  void confirmed(String node, boolean draining, Set<AttemptKey> attempts) {
    Set<AttemptKey> held = new HashSet<>(attempts);
    starting.to(node).forEach(s -> held.add(s.key()));
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
    wakeUp.at(now, next);
  }
}
