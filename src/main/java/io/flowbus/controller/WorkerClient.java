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
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
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
   * member} says the node is in the cluster and {@code patienceMs} has not passed; then the last
   * failure. When a member dies, Hazelcast may lose the partitions that held the event bus's
   * registrations (a young cluster has no backups yet), and every node publishes its own again a
   * moment later: until then a request to a live node finds no handler.
   */
  Future<WorkerControl.Inventory> inventoryOnceListening(
      String node, Predicate<String> member, long patienceMs) {
    Promise<WorkerControl.Inventory> answered = Promise.promise();
    AtomicBoolean patient = new AtomicBoolean(true);
    long deadline = vertx.setTimer(patienceMs, t -> patient.set(false));
    askUntil(node, () -> patient.get() && member.test(node), answered);
    return answered.future().onComplete(done -> vertx.cancelTimer(deadline));
  }

  private void askUntil(
      String node, BooleanSupplier again, Promise<WorkerControl.Inventory> answered) {
    inventory(node)
        .onSuccess(answered::complete)
        .onFailure(
            e -> {
              if (!again.getAsBoolean()) {
                answered.fail(e);
                return;
              }
              LOG.debug("worker {} does not answer its inventory yet: {}", node, e.getMessage());
              vertx.setTimer(INVENTORY_RETRY_MS, t -> askUntil(node, again, answered));
            });
  }

  Future<WorkerControl.Inventory> inventory(String node) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.workerControl(node),
            new WorkerControl.AskInventory().toJson(),
            new DeliveryOptions().setSendTimeout(INVENTORY_TIMEOUT_MS))
        .map(Message::body)
        .map(WorkerControl.Inventory::fromJson);
  }
}
