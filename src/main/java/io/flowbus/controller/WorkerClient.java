package io.flowbus.controller;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.BusCodecs;
import io.flowbus.cluster.TaskAssignment;
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
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends {@link WorkerControl} messages to one worker node. */
final class WorkerClient {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerClient.class);
  private static final long INVENTORY_TIMEOUT_MS = 3_000;
  private static final long INVENTORY_RETRY_MS = 200;

  private final Vertx vertx;
  private final String selfId;

  /**
   * @param selfId this node: a message to its own worker stays in the process (the cluster's lookup
   *     of the address's nodes is skipped), still a request-reply over the event bus
   */
  WorkerClient(Vertx vertx, String selfId) {
    this.vertx = vertx;
    this.selfId = selfId;
    BusCodecs.register(vertx);
  }

  /** Hands an assignment to the node's worker; the reply says whether it took it. */
  Future<Message<Object>> assign(String node, TaskAssignment assignment, long timeoutMs) {
    return vertx
        .eventBus()
        .request(
            Addresses.workerTasks(node),
            assignment,
            new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(node.equals(selfId)));
  }

  /** Asks the node to stop the attempt; a failure to reach it is logged only. */
  void cancel(String node, AttemptKey attempt, String reason) {
    vertx
        .eventBus()
        .request(Addresses.workerControl(node), new WorkerControl.Cancel(attempt, reason).toJson())
        .onFailure(e -> LOG.warn("cannot stop {} on {}: {}", attempt, node, e.getMessage()));
  }

  /**
   * The node's inventory, asked again every 200 ms while it does not answer, as long as {@code
   * member} says the node is in the cluster and {@code patienceMs} has not passed (a question is
   * given no more time than is left); then the last failure. When a member dies, Hazelcast may lose
   * the partitions that held the event bus's registrations (a young cluster has no backups yet),
   * and every node publishes its own again a moment later, or {@code DurableConsumers} within 5 s:
   * until then a question to a live node finds no handler. A worker that refuses the question, or
   * answers what cannot be read, is not asked again.
   */
  Future<WorkerControl.Inventory> inventoryOnceListening(
      String node, Predicate<String> member, long patienceMs) {
    Promise<WorkerControl.Inventory> answered = Promise.promise();
    ask(new Questions(node, member, System.nanoTime() + patienceMs * 1_000_000), answered);
    return answered.future();
  }

  /** The questions of one takeover to one node: until when, how many, the first failure. */
  private static final class Questions {
    final String node;
    final Predicate<String> member;
    final long deadlineNanos;
    int asked;
    String firstFailure;

    Questions(String node, Predicate<String> member, long deadlineNanos) {
      this.node = node;
      this.member = member;
      this.deadlineNanos = deadlineNanos;
    }

    long leftMs() {
      return (deadlineNanos - System.nanoTime()) / 1_000_000;
    }
  }

  private void ask(Questions q, Promise<WorkerControl.Inventory> answered) {
    q.asked++;
    inventory(q.node, Math.max(1, Math.min(INVENTORY_TIMEOUT_MS, q.leftMs())))
        .onSuccess(
            inventory -> {
              if (q.asked > 1) {
                LOG.info(
                    "worker {} said what it holds when asked {} times (first: {})",
                    q.node,
                    q.asked,
                    q.firstFailure);
              }
              answered.complete(inventory);
            })
        .onFailure(
            e -> {
              if (q.firstFailure == null) {
                q.firstFailure = e.getMessage();
              }
              boolean again =
                  mayPass(e) && q.leftMs() > INVENTORY_RETRY_MS && q.member.test(q.node);
              if (!again) {
                answered.fail(e);
                return;
              }
              LOG.debug("worker {} does not answer its inventory yet: {}", q.node, e.getMessage());
              vertx.setTimer(INVENTORY_RETRY_MS, t -> ask(q, answered));
            });
  }

  /**
   * No handler yet, no answer in time, or the node could not be reached: asked again, it may
   * answer. A failure of the worker's own (it refused the question) or an answer that cannot be
   * read would not change.
   */
  private static boolean mayPass(Throwable e) {
    return e instanceof ReplyException r && r.failureType() != ReplyFailure.RECIPIENT_FAILURE;
  }

  Future<WorkerControl.Inventory> inventory(String node) {
    return inventory(node, INVENTORY_TIMEOUT_MS);
  }

  private Future<WorkerControl.Inventory> inventory(String node, long timeoutMs) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.workerControl(node),
            new WorkerControl.AskInventory().toJson(),
            new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(node.equals(selfId)))
        .map(Message::body)
        .map(WorkerControl.Inventory::fromJson);
  }
}
