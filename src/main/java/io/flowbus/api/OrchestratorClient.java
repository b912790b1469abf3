package io.flowbus.api;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.Problems;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Asks the orchestrating node, wherever it is. While none listens (one died and the next is taking
 * over) the request is tried again for a while: a failover is seen as a slower answer, not an
 * error.
 */
final class OrchestratorClient {
  private static final long TIMEOUT_MS = 10_000;
  private static final long READ_TIMEOUT_MS = 4_000;
  private static final long FAILOVER_WAIT_MS = 30_000;
  private static final long RETRY_MS = 250;

  private static final java.util.Set<String> READS =
      java.util.Set.of("get", "snapshot", "list", "tasks", "task", "cluster");

  private final Vertx vertx;

  OrchestratorClient(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<JsonObject> call(JsonObject operation) {
    Promise<JsonObject> promise = Promise.promise();
    attempt(operation, System.currentTimeMillis() + FAILOVER_WAIT_MS, promise);
    return promise.future();
  }

  private void attempt(JsonObject operation, long giveUpAt, Promise<JsonObject> promise) {
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.ORCHESTRATOR_API,
            operation,
            new DeliveryOptions()
                .setSendTimeout(
                    READS.contains(operation.getString("op")) ? READ_TIMEOUT_MS : TIMEOUT_MS))
        .map(Message::body)
        .onSuccess(promise::complete)
        .onFailure(
            e -> {
              boolean noOne =
                  e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
              // a read that timed out (its orchestrator died on the way) is safe to ask again
              boolean lostRead =
                  e instanceof ReplyException r
                      && r.failureType() == ReplyFailure.TIMEOUT
                      && READS.contains(operation.getString("op"));
              if ((noOne || lostRead) && System.currentTimeMillis() < giveUpAt) {
                vertx.setTimer(RETRY_MS, t -> attempt(operation, giveUpAt, promise));
              } else {
                promise.fail(new ApiException(Problems.of(e)));
              }
            });
  }
}
