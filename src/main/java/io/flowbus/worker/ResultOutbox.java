package io.flowbus.worker;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.BusCodecs;
import io.flowbus.cluster.TaskResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results of finished attempts, sent to the orchestrator until it acknowledges them. A result is
 * kept while no orchestrator answers (one is dying and the next taking over), so nothing a task did
 * is lost on the way.
 *
 * <p>A result the orchestrator answers with a permanent failure (500: it cannot take it in, and
 * would not on a second try) is dropped, logged once with the orchestrator's reference, so that it
 * is not sent forever. A refusal for now (503: its journal cannot be written) keeps it.
 */
final class ResultOutbox {
  private static final Logger LOG = LoggerFactory.getLogger(ResultOutbox.class);
  private static final long FIRST_RETRY_MS = 200;
  private static final long MAX_RETRY_MS = 5_000;
  private static final long SEND_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final BooleanSupplier orchestratorHere;
  private final Map<String, TaskResult> pending = new LinkedHashMap<>();
  private final Map<String, Integer> chains = new java.util.HashMap<>();
  private Promise<Void> emptied;

  /**
   * @param orchestratorHere whether this node orchestrates: a result then stays in the process (the
   *     cluster's lookup of the address's nodes is skipped), still a request-reply over the bus
   */
  ResultOutbox(Vertx vertx, BooleanSupplier orchestratorHere) {
    this.vertx = vertx;
    this.orchestratorHere = orchestratorHere;
    BusCodecs.register(vertx);
  }

  void send(TaskResult result) {
    pending.put(result.key(), result);
    attempt(result, FIRST_RETRY_MS, chains.merge(result.key(), 1, Integer::sum));
  }

  /**
   * Sends every unacknowledged result again now, e.g. when the orchestrator may have moved: a
   * request to a node that died would only end at its timeout.
   */
  void resendAll() {
    // a new chain of tries per result; the old chain stops at its next step
    List.copyOf(pending.values())
        .forEach(r -> attempt(r, FIRST_RETRY_MS, chains.merge(r.key(), 1, Integer::sum)));
  }

  private void attempt(TaskResult result, long nextDelay, int chain) {
    if (pending.get(result.key()) != result || chains.getOrDefault(result.key(), 0) != chain) {
      return; // acknowledged meanwhile, replaced by a later attempt's result, or sent anew
    }
    vertx
        .eventBus()
        .request(
            Addresses.ORCHESTRATOR_RESULTS,
            result,
            new DeliveryOptions()
                .setSendTimeout(SEND_TIMEOUT_MS)
                .setLocalOnly(orchestratorHere.getAsBoolean()))
        .onSuccess(reply -> acknowledged(result))
        .onFailure(
            e -> {
              if (permanent(e)) {
                LOG.error("result of {} dropped: {}", result.key(), e.getMessage());
                acknowledged(result);
                return;
              }
              LOG.debug("result of {} not delivered yet: {}", result.key(), e.getMessage());
              // nobody orchestrates for a moment (a takeover): ask again soon, it costs nothing
              boolean noOne =
                  e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
              long delay = noOne ? FIRST_RETRY_MS : nextDelay;
              vertx.setTimer(
                  delay, t -> attempt(result, Math.min(MAX_RETRY_MS, nextDelay * 2), chain));
            });
  }

  /** The orchestrator took the result and cannot take it in: trying again would not help. */
  static boolean permanent(Throwable e) {
    return e instanceof ReplyException r
        && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && r.failureCode() == 500;
  }

  private void acknowledged(TaskResult result) {
    if (pending.remove(result.key(), result)) {
      chains.remove(result.key());
    }
    if (pending.isEmpty() && emptied != null) {
      emptied.tryComplete();
    }
  }

  Collection<TaskResult> pending() {
    return pending.values();
  }

  /** Completes when every result has been acknowledged. */
  Future<Void> whenEmpty() {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    if (emptied == null) {
      emptied = Promise.promise();
    }
    return emptied.future();
  }
}
