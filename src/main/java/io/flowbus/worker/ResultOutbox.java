package io.flowbus.worker;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.BusCodecs;
import io.flowbus.cluster.ResultBatch;
import io.flowbus.cluster.TaskResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
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
 * <p>Results travel in batches ({@link ResultBatch}), one batch on its way at a time: what ends
 * while it waits for its answer (its results being journaled) goes in the next one. A worker that
 * is not busy sends each result alone, at once; a busy one sends one message for many. A spawn
 * task's result goes alone and at once, beside the batch: the orchestrator reads its entries back
 * before it answers, which may take long, and the other results do not wait for that.
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

  /** The most results in one message. */
  static final int MAX_BATCH = 256;

  /** A result ready to go, with the delay before its next try if this one fails. */
  private record Try(TaskResult result, long nextDelay, int chain) {}

  private final Vertx vertx;
  private final BooleanSupplier orchestratorHere;
  private final Map<String, TaskResult> pending = new LinkedHashMap<>();
  private final Map<String, Integer> chains = new HashMap<>();
  private final Map<String, Try> ready = new LinkedHashMap<>();
  private boolean batchOnItsWay;
  private int generation;
  private Promise<Void> emptied;

  /**
   * @param orchestratorHere whether this node orchestrates: a batch then stays in the process (the
   *     cluster's lookup of the address's nodes is skipped), still a request-reply over the bus
   */
  ResultOutbox(Vertx vertx, BooleanSupplier orchestratorHere) {
    this.vertx = vertx;
    this.orchestratorHere = orchestratorHere;
    BusCodecs.register(vertx);
  }

  void send(TaskResult result) {
    pending.put(result.key(), result);
    enqueue(new Try(result, FIRST_RETRY_MS, chains.merge(result.key(), 1, Integer::sum)));
    sendReady();
  }

  /**
   * Sends every unacknowledged result again now, e.g. when the orchestrator may have moved: a
   * request to a node that died would only end at its timeout, so the batch on its way no longer
   * holds the next one back.
   */
  void resendAll() {
    generation++;
    batchOnItsWay = false;
    // a new chain of tries per result; the old chain stops at its next step
    for (TaskResult r : List.copyOf(pending.values())) {
      enqueue(new Try(r, FIRST_RETRY_MS, chains.merge(r.key(), 1, Integer::sum)));
    }
    sendReady();
  }

  private void attempt(Try t) {
    enqueue(t);
    sendReady();
  }

  /** Makes the try ready for the next batch; a spawn task's result goes at once, alone. */
  private void enqueue(Try t) {
    if (!current(t)) {
      return;
    }
    if (t.result().spawnCount() != null) {
      sendBatch(List.of(t), false);
    } else {
      ready.put(t.result().key(), t);
    }
  }

  /**
   * Whether the try is still wanted: not acknowledged, replaced by a later result, or sent anew.
   */
  private boolean current(Try t) {
    String key = t.result().key();
    return pending.get(key) == t.result() && chains.getOrDefault(key, 0) == t.chain();
  }

  /** Sends what is ready in one batch, unless a batch is on its way. */
  private void sendReady() {
    if (batchOnItsWay) {
      return;
    }
    List<Try> batch = new ArrayList<>();
    for (Iterator<Try> it = ready.values().iterator(); it.hasNext() && batch.size() < MAX_BATCH; ) {
      Try t = it.next();
      it.remove();
      if (current(t)) {
        batch.add(t);
      }
    }
    if (!batch.isEmpty()) {
      sendBatch(batch, true);
    }
  }

  /**
   * @param theBatch whether this is the one batch on its way (else a spawn task's result, alone)
   */
  private void sendBatch(List<Try> batch, boolean theBatch) {
    batchOnItsWay |= theBatch;
    int sentIn = generation;
    vertx
        .eventBus()
        .<ResultBatch.Answers>request(
            Addresses.ORCHESTRATOR_RESULTS,
            new ResultBatch(batch.stream().map(Try::result).toList()),
            new DeliveryOptions()
                .setSendTimeout(SEND_TIMEOUT_MS)
                .setLocalOnly(orchestratorHere.getAsBoolean()))
        .onComplete(
            ar -> {
              if (theBatch && sentIn == generation) {
                batchOnItsWay = false;
              }
              if (ar.failed()) {
                batch.forEach(t -> notDelivered(t, ar.cause()));
              } else {
                answered(batch, ar.result().body().answers());
              }
              sendReady();
            });
  }

  private void answered(List<Try> batch, List<ResultBatch.Answer> answers) {
    for (int i = 0; i < batch.size(); i++) {
      Try t = batch.get(i);
      ResultBatch.Answer answer = i < answers.size() ? answers.get(i) : null;
      if (answer != null && answer.isTaken()) {
        acknowledged(t.result());
      } else if (answer != null && answer.status() == 500) {
        LOG.error("result of {} dropped: {}", t.result().key(), answer.problem());
        acknowledged(t.result());
      } else {
        String why = answer == null ? "no answer for it" : String.valueOf(answer.problem());
        LOG.debug("result of {} not taken in yet: {}", t.result().key(), why);
        retry(t, t.nextDelay());
      }
    }
  }

  private void notDelivered(Try t, Throwable e) {
    if (permanent(e)) {
      LOG.error("result of {} dropped: {}", t.result().key(), e.getMessage());
      acknowledged(t.result());
      return;
    }
    LOG.debug("result of {} not delivered yet: {}", t.result().key(), e.getMessage());
    // nobody orchestrates for a moment (a takeover): ask again soon, it costs nothing
    boolean noOne = e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
    retry(t, noOne ? FIRST_RETRY_MS : t.nextDelay());
  }

  /** The orchestrator cannot take the batch in at all: trying again would not help. */
  static boolean permanent(Throwable e) {
    return e instanceof ReplyException r
        && r.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && r.failureCode() == 500;
  }

  private void retry(Try t, long delay) {
    if (current(t)) {
      vertx.setTimer(
          delay,
          id -> attempt(new Try(t.result(), Math.min(MAX_RETRY_MS, t.nextDelay() * 2), t.chain())));
    }
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
