package io.flowbus.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every other controller of the cluster that a replacement of the definitions is in the
 * cluster map, and waits, a bounded time, until each has answered that it holds it. A controller
 * that does not answer in time (it may be leaving) or holds older definitions is logged by name:
 * the map holds the truth, and that node takes it at its next refresh.
 */
final class DefinitionsFanOut {
  private static final Logger LOG = LoggerFactory.getLogger(DefinitionsFanOut.class);

  private final Vertx vertx;
  private final Membership membership;
  private final long answerTimeoutMs;

  DefinitionsFanOut(Vertx vertx, Membership membership, long answerTimeoutMs) {
    this.vertx = vertx;
    this.membership = membership;
    this.answerTimeoutMs = answerTimeoutMs;
  }

  /** Completes, always successfully, once every other controller has answered or timed out. */
  Future<Void> tellAll(DefinitionsStamp stamp) {
    List<Future<Void>> answers = new ArrayList<>();
    for (NodeInfo node : membership.nodes()) {
      if (node.isController() && !node.id().equals(membership.selfId())) {
        answers.add(ask(node.id(), stamp));
      }
    }
    return Future.join(answers).transform(ar -> Future.succeededFuture());
  }

  private Future<Void> ask(String node, DefinitionsStamp stamp) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.definitions(node),
            stamp.toJson(),
            new DeliveryOptions().setSendTimeout(answerTimeoutMs))
        .map(Message::body)
        .map(DefinitionsStamp::fromJson)
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.warn(
                    "node {} did not confirm definitions {} ({}); it takes them at its next refresh",
                    node,
                    short12(stamp),
                    ar.cause().getMessage());
              } else if (!ar.result().covers(stamp)) {
                LOG.warn(
                    "node {} still holds definitions {} instead of {}: they do not load there",
                    node,
                    short12(ar.result()),
                    short12(stamp));
              }
              return Future.succeededFuture();
            });
  }

  static String short12(DefinitionsStamp stamp) {
    return stamp.generation() + "/" + stamp.version().substring(0, 12);
  }
}
