package io.flowbus.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
  private final Supplier<List<String>> others;
  private final long answerTimeoutMs;

  /**
   * @param others the ids of the other controllers, as the cluster knows them at that moment
   */
  DefinitionsFanOut(Vertx vertx, Supplier<List<String>> others, long answerTimeoutMs) {
    this.vertx = vertx;
    this.others = others;
    this.answerTimeoutMs = answerTimeoutMs;
  }

  /** The controllers of the cluster other than this node. */
  static Supplier<List<String>> otherControllers(Membership membership) {
    return () ->
        membership.nodes().stream()
            .filter(NodeInfo::isController)
            .map(NodeInfo::id)
            .filter(id -> !id.equals(membership.selfId()))
            .toList();
  }

  /** Completes, always successfully, once every other controller has answered or timed out. */
  Future<Void> tellAll(DefinitionsStamp stamp) {
    List<Future<Void>> answers = new ArrayList<>();
    for (String node : others.get()) {
      answers.add(ask(node, stamp));
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
    String version = stamp.version();
    return stamp.generation() + "/" + version.substring(0, Math.min(12, version.length()));
  }
}
