package io.flowbus.controller;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.AssignmentBatch;
import io.flowbus.cluster.BusCodecs;
import io.flowbus.cluster.WorkerControl;
import io.flowbus.model.AttemptKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link WorkerControl} messages to one worker node. Two are asked again while the worker is
 * a member ({@link #untilAnswered}): a takeover's inventory (no handler, no answer in time, no
 * connection) and the cancel of a journaled attempt (no handler only).
 */
final class WorkerClient {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerClient.class);
  private static final long QUESTION_TIMEOUT_MS = 3_000;
  private static final long RETRY_MS = 200;

  /** How long a cancel is sent again to a member that has no handler for it. */
  static final long CANCEL_PATIENCE_MS = 10_000;

  private final Vertx vertx;
  private final String selfId;
  private final Predicate<String> member;
  private final long cancelPatienceMs;

  /**
   * @param selfId this node: a message to its own worker stays in the process (the cluster's lookup
   *     of the address's nodes is skipped), still a request-reply over the event bus
   * @param member whether a node is in the cluster now: only a member is asked again
   */
  WorkerClient(Vertx vertx, String selfId, Predicate<String> member) {
    this(vertx, selfId, member, CANCEL_PATIENCE_MS);
  }

  /** With a cancel's patience of {@code cancelPatienceMs} (a test's, shorter). */
  WorkerClient(Vertx vertx, String selfId, Predicate<String> member, long cancelPatienceMs) {
    this.vertx = vertx;
    this.selfId = selfId;
    this.member = member;
    this.cancelPatienceMs = cancelPatienceMs;
    BusCodecs.register(vertx);
  }

  /** Hands assignments to the node's worker; the answers say which it took. */
  Future<AssignmentBatch.Answers> assign(String node, AssignmentBatch batch, long timeoutMs) {
    return vertx
        .eventBus()
        .<AssignmentBatch.Answers>request(
            Addresses.workerTasks(node),
            batch,
            new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(node.equals(selfId)))
        .map(Message::body);
  }

  /**
   * Asks the node to stop the attempt, once; a failure to reach it is logged. For an attempt that
   * was never journaled (an assignment still on its way when its run stopped needing it): its
   * number may be handed out again, and a copy of this cancel that came late would stop that one.
   */
  void cancelOnce(String node, AttemptKey attempt, String reason) {
    control(node, new WorkerControl.Cancel(attempt, reason).toJson(), cancelPatienceMs)
        .onFailure(e -> LOG.warn("cannot stop {} on {}: {}", attempt, node, e.getMessage()));
  }

  /**
   * Asks the node to stop a journaled attempt (whose number is never handed out again), sent again
   * every 200 ms while the node is a member and has no handler for it, for up to {@value
   * #CANCEL_PATIENCE_MS} ms: a cancel lost to a missing event-bus registration would leave the
   * attempt running to its end. A cancel that may have reached the worker (no answer in time) is
   * not sent again. Succeeds once the worker replied; fails, with a WARN, on a refusal, on no
   * answer within the patience (it may have arrived), or when it could not be delivered (no handler
   * after the patience, or the node left): the attempt may then run to its end.
   */
  Future<Void> cancel(String node, AttemptKey attempt, String reason) {
    JsonObject cancel = new WorkerControl.Cancel(attempt, reason).toJson();
    return untilAnswered(
            new Questions<>(
                node,
                "the stop of " + attempt,
                t -> control(node, cancel, t),
                cancelPatienceMs,
                cancelPatienceMs,
                failure -> failure == ReplyFailure.NO_HANDLERS))
        .<Void>mapEmpty()
        .onFailure(e -> LOG.warn("cannot stop {} on {}: {}", attempt, node, e.getMessage()));
  }

  /**
   * The node's inventory, asked again while it does not answer, for up to {@code patienceMs}. When
   * a member dies, Hazelcast may lose the partitions that held the event bus's registrations (a
   * young cluster has no backups yet), and every node publishes its own again a moment later, or
   * {@code DurableConsumers} within 5 s: until then a question to a live node finds no handler. A
   * question is a read: one that reached the worker late does no harm, so no answer in time, or no
   * connection, is asked again too.
   */
  Future<WorkerControl.Inventory> inventoryOnceListening(String node, long patienceMs) {
    JsonObject ask = new WorkerControl.AskInventory().toJson();
    return untilAnswered(
            new Questions<>(
                node,
                "what it holds",
                t -> control(node, ask, t),
                patienceMs,
                QUESTION_TIMEOUT_MS,
                failure -> failure != ReplyFailure.RECIPIENT_FAILURE))
        .map(WorkerControl.Inventory::fromJson);
  }

  /** The node's inventory, asked once. */
  Future<WorkerControl.Inventory> inventory(String node) {
    return control(node, new WorkerControl.AskInventory().toJson(), QUESTION_TIMEOUT_MS)
        .map(WorkerControl.Inventory::fromJson);
  }

  /**
   * The answer to the question, asked again every 200 ms while it fails in a way that {@code again}
   * allows, the node is a member and the patience has not passed (a question is given no more time
   * than is left); then the last failure. A failure of the worker's own (it refused the question)
   * or an answer that cannot be read is never asked again. An answer that came only after several
   * questions is logged at INFO with the first failure.
   */
  private <T> Future<T> untilAnswered(Questions<T> q) {
    Promise<T> answered = Promise.promise();
    ask(q, answered);
    return answered.future();
  }

  /** The questions to one node: what, how, until when, which failures may pass, how many. */
  private static final class Questions<T> {
    final String node;
    final String what;
    final LongFunction<Future<T>> question;
    final long deadlineNanos;
    final long questionMs;
    final Predicate<ReplyFailure> again;
    int asked;
    String firstFailure;

    Questions(
        String node,
        String what,
        LongFunction<Future<T>> question,
        long patienceMs,
        long questionMs,
        Predicate<ReplyFailure> again) {
      this.node = node;
      this.what = what;
      this.question = question;
      this.deadlineNanos = System.nanoTime() + patienceMs * 1_000_000;
      this.questionMs = questionMs;
      this.again = again;
    }

    long leftMs() {
      return (deadlineNanos - System.nanoTime()) / 1_000_000;
    }

    boolean mayPass(Throwable e) {
      return e instanceof ReplyException r
          && r.failureType() != ReplyFailure.RECIPIENT_FAILURE
          && again.test(r.failureType());
    }
  }

  private <T> void ask(Questions<T> q, Promise<T> answered) {
    q.asked++;
    q.question
        .apply(Math.max(1, Math.min(q.questionMs, q.leftMs())))
        .onSuccess(
            answer -> {
              if (q.asked > 1) {
                LOG.info(
                    "worker {} answered {} when asked {} times (first: {})",
                    q.node,
                    q.what,
                    q.asked,
                    q.firstFailure);
              }
              answered.complete(answer);
            })
        .onFailure(
            e -> {
              if (q.firstFailure == null) {
                q.firstFailure = e.getMessage();
              }
              if (!(q.mayPass(e) && q.leftMs() > RETRY_MS && isMember(q.node))) {
                answered.fail(e);
                return;
              }
              LOG.debug("worker {} does not answer {} yet: {}", q.node, q.what, e.getMessage());
              vertx.setTimer(RETRY_MS, t -> ask(q, answered));
            });
  }

  /** Whether the node is a member; not when that cannot be told (the node is stopping). */
  private boolean isMember(String node) {
    try {
      return member.test(node);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private Future<JsonObject> control(String node, JsonObject message, long timeoutMs) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.workerControl(node),
            message,
            new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(node.equals(selfId)))
        .map(Message::body);
  }
}
