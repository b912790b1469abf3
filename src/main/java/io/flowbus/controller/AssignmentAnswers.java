package io.flowbus.controller;

import io.flowbus.cluster.AssignmentBatch;
import io.flowbus.model.AttemptKey;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Run;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of an attempt on its way to a worker, once the worker answers, a result overtakes
 * the answer, or the node leaves: taken, it is dispatched (or stopped there if the run no longer
 * needs it); refused, its task goes back to the queue; unanswered, it counts as lost. Each outcome
 * goes straight to the {@link RunCoordinator}.
 */
final class AssignmentAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(AssignmentAnswers.class);
  private static final long PAUSE_AFTER_BUSY_MS = 500;

  private final Clock clock;
  private final Runs runs;
  private final ReadyQueue queue;
  private final WorkerClient workers;
  private final RunCoordinator coordinator;
  private final WorkerPool pool;
  private final OnTheirWay starting;

  AssignmentAnswers(
      Clock clock,
      Runs runs,
      ReadyQueue queue,
      WorkerClient workers,
      RunCoordinator coordinator,
      WorkerPool pool,
      OnTheirWay starting) {
    this.clock = clock;
    this.runs = runs;
    this.queue = queue;
    this.workers = workers;
    this.coordinator = coordinator;
    this.pool = pool;
    this.starting = starting;
  }

  /** Whether the task still waits to be given out: its run active, and not on its way already. */
  boolean stillWaiting(Run run, TaskRun task) {
    return run != null
        && run.state().active()
        && task.state() == TaskState.PENDING
        && starting.of(ReadyQueue.key(task)) == null;
  }

  /**
   * The worker answered a batch of assignments (each in its place), or did not in time. Returns
   * whether that settled any of them. An assignment the answers do not cover, or whose answer
   * cannot be read, counts as unanswered. What breaks while one is settled is logged, and that
   * attempt is no longer on its way (its task is offered again unless the worker runs it).
   */
  boolean answered(List<OnTheirWay.Sent> sent, AsyncResult<AssignmentBatch.Answers> reply) {
    List<AssignmentBatch.Answer> all = readable(reply) ? reply.result().answers() : List.of();
    boolean settled = false;
    for (int i = 0; i < sent.size(); i++) {
      try {
        settled |= answered(sent.get(i), reply.failed() ? reply : outcome(all, i));
      } catch (RuntimeException e) {
        LOG.error(
            "the answer of node {} for {} cannot be taken in",
            sent.get(i).node(),
            sent.get(i).key(),
            e);
        settled |= starting.remove(sent.get(i));
      }
    }
    return settled;
  }

  private static boolean readable(AsyncResult<?> reply) {
    if (reply.succeeded() && !(reply.result() instanceof AssignmentBatch.Answers)) {
      LOG.error("a worker answered assignments with {}", reply.result());
      return false;
    }
    return reply.succeeded();
  }

  /** The answer to the batch's {@code i}th assignment, as the reply to a request of its own. */
  private static AsyncResult<?> outcome(List<AssignmentBatch.Answer> all, int i) {
    if (i >= all.size()) {
      return Future.failedFuture(
          new ReplyException(ReplyFailure.TIMEOUT, "its answer to the batch leaves this one out"));
    }
    AssignmentBatch.Answer answer = all.get(i);
    if (answer.isTaken()) {
      return Future.succeededFuture(answer);
    }
    return Future.failedFuture(
        new ReplyException(ReplyFailure.RECIPIENT_FAILURE, answer.status(), answer.why()));
  }

  /**
   * The worker answered the assignment, or did not in time. Returns whether that settled the
   * attempt (false when the node left, or its result came first: it was settled then).
   */
  private boolean answered(OnTheirWay.Sent sent, AsyncResult<?> answer) {
    if (!starting.remove(sent)) {
      return false;
    }
    TaskRun current = task(sent.key()); // the run may have been rebuilt from its journal
    Run run = runs.get(sent.key().runId());
    if (answer.succeeded()) {
      taken(run, current, sent);
    } else if (current != null) {
      refused(run, current, sent, answer.cause());
    }
    return true;
  }

  /**
   * A result came for an attempt still on its way to {@code node}: the worker took it, and its
   * answer is behind. The attempt is taken in now, so the result applies; the answer, when it
   * comes, changes nothing. Returns whether the attempt was on its way there.
   */
  boolean resultBeforeAnswer(AttemptKey key, String node) {
    OnTheirWay.Sent sent = starting.of(key.taskKey());
    if (sent == null || !sent.key().equals(key) || !sent.node().equals(node)) {
      return false;
    }
    starting.remove(sent);
    taken(runs.get(key.runId()), task(key), sent);
    return true;
  }

  /** The node the attempt was on its way to left: its task goes back to the queue at once. */
  void nodeLeft(OnTheirWay.Sent sent) {
    starting.remove(sent);
    Run run = runs.get(sent.key().runId());
    TaskRun task = task(sent.key());
    if (task != null && stillWaiting(run, task)) {
      queue.addFirst(task);
    }
  }

  private TaskRun task(AttemptKey key) {
    Run run = runs.get(key.runId());
    return run == null ? null : run.findTask(key.taskId()).orElse(null);
  }

  private void taken(Run run, TaskRun task, OnTheirWay.Sent sent) {
    int attempt = sent.key().attempt();
    if (task != null
        && task.isCurrent(attempt)
        && task.currentAttempt().node().equals(sent.node())) {
      return; // adopted already, by a run rebuilt from its journal
    }
    if (task != null && stillWaiting(run, task) && task.attempts().size() + 1 == attempt) {
      coordinator.dispatched(run, task, attempt, sent.node());
    } else {
      // cancelled while on its way: stop it there; its result will be ignored but frees the slot
      workers.cancelOnce(sent.node(), sent.key(), "the run no longer needs it");
    }
  }

  private void refused(Run run, TaskRun task, OnTheirWay.Sent sent, Throwable cause) {
    long now = clock.millis();
    pool.release(sent.node(), sent.key());
    if (cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      unanswered(run, task, sent, now, reply.getMessage());
      return;
    }
    boolean gone =
        cause instanceof ReplyException reply
            && (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureCode() == 503);
    pool.refused(sent.node(), gone, now + PAUSE_AFTER_BUSY_MS);
    LOG.debug(
        "node {} refused task {}/{}: {}", sent.node(), task.runId(), task.id(), cause.getMessage());
    if (stillWaiting(run, task)) {
      queue.addFirst(task);
    }
  }

  private void unanswered(Run run, TaskRun task, OnTheirWay.Sent sent, long now, String why) {
    String node = sent.node();
    LOG.warn("node {} did not answer for task {}/{}: {}", node, task.runId(), task.id(), why);
    // the slot is counted again if the node's inventory shows the attempt does run there
    pool.refused(node, true, now);
    if (stillWaiting(run, task)) {
      // the attempt may run there, so it counts, as lost
      coordinator.dispatched(run, task, sent.key().attempt(), node);
      coordinator.ended(
          run,
          task,
          sent.key().attempt(),
          AttemptState.LOST,
          null,
          "node " + node + " did not answer the assignment",
          null);
    } else {
      workers.cancelOnce(node, sent.key(), "the run no longer needs it");
    }
  }
}
