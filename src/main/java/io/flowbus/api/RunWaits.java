package io.flowbus.api;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.OrchestratorRequest.Follow;
import io.flowbus.cluster.ProblemException;
import io.flowbus.model.Durations;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ?wait=30s}: answers with the run once it has ended and none of its tasks still runs (when
 * its event stream would end), or once the time has passed, whichever comes first. No thread waits:
 * the run's published events are listened to, a snapshot taken after listening tells if it had
 * ended already, and a timer bounds the wait; then the run is read once. A node holds at most
 * {@link #MAX_WAITS} waits at a time (more are a 503); a client that leaves frees its wait at once.
 */
final class RunWaits {
  /** The longest wait taken; a longer one is a 400. */
  static final Duration MAX_WAIT = Duration.ofMinutes(5);

  /** Waits one node holds at most; a system property so that tests can lower it. */
  static final int MAX_WAITS = Integer.getInteger("flowbus.api.max-waits", 1_000);

  private final Vertx vertx;
  private final OrchestratorClient orchestrator;
  private final AtomicInteger open = new AtomicInteger();

  RunWaits(Vertx vertx, OrchestratorClient orchestrator, MeterRegistry registry) {
    this.vertx = vertx;
    this.orchestrator = orchestrator;
    Gauge.builder("flowbus.api.waits.open", open, AtomicInteger::get)
        .description("Requests with ?wait= this node holds")
        .register(registry);
  }

  /**
   * The request's {@code wait}, never more than 5 minutes (a longer one waits 5); null if it has
   * none; a 400 if it is not a duration.
   */
  static Duration param(RoutingContext rc) {
    String text = Params.single(rc, "wait");
    return text == null ? null : parse(text);
  }

  /** A wait as given: a duration, never more than 5 minutes; a 400 if it is not a duration. */
  static Duration parse(String text) {
    Duration wait;
    try {
      wait = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw ProblemException.badRequest("'wait': " + e.getMessage());
    }
    return wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
  }

  /** Takes a place for one wait, to be given to {@link #until} or back by {@link #release}. */
  void reserve() {
    if (open.incrementAndGet() > MAX_WAITS) {
      open.decrementAndGet();
      throw new ProblemException(
          503,
          "Too many waits",
          "this node holds " + MAX_WAITS + " waiting requests; retry shortly or wait less");
    }
  }

  void release() {
    open.decrementAndGet();
  }

  /**
   * The run once it has ended or {@code wait} has passed; null if the client left meanwhile.
   * Releases the place {@link #reserve} took.
   */
  Future<JsonObject> until(String runId, Duration wait, HttpServerResponse response) {
    if (response.closed()) {
      release();
      return Future.succeededFuture();
    }
    Wait waiting = new Wait(runId, wait);
    response.closeHandler(v -> waiting.answer.tryComplete(false));
    waiting.checkEnded();
    return waiting
        .answer
        .future()
        .onComplete(
            ar -> {
              waiting.stop();
              release();
            })
        .compose(waiting::read);
  }

  /** One request's wait: what it listens to, its timers, and the run if it had ended already. */
  private final class Wait {
    private final String runId;
    private final Promise<Boolean> answer = Promise.promise(); // true: read the run; false: left
    private final MessageConsumer<JsonObject> consumer;
    private final long timer;
    private final long watch;
    private JsonObject ended;

    /** Listens to the run's events, bounds the wait by a timer and keeps the run watched. */
    Wait(String runId, Duration wait) {
      this.runId = runId;
      consumer =
          vertx
              .eventBus()
              .consumer(
                  Addresses.runEvents(runId),
                  m -> {
                    if (m.body().getBoolean("ended", false)) {
                      answer.tryComplete(true);
                    }
                  });
      timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> answer.tryComplete(true));
      // the orchestrator publishes the run's end while someone renews this
      watch =
          vertx.setPeriodic(
              OrchestratorRequest.WatchRun.RENEW.toMillis(),
              t -> orchestrator.call(new OrchestratorRequest.WatchRun(runId, Follow.END)));
    }

    /** Once listening, a snapshot tells if the run had ended before. */
    void checkEnded() {
      consumer
          .completion()
          .compose(v -> orchestrator.call(new OrchestratorRequest.RunSnapshot(runId, Follow.END)))
          .onSuccess(
              snapshot -> {
                if (snapshot.getBoolean("ended", false)) {
                  ended = snapshot.getJsonObject("run");
                  answer.tryComplete(true);
                }
              })
          .onFailure(answer::tryFail);
    }

    void stop() {
      consumer.unregister();
      vertx.cancelTimer(timer);
      vertx.cancelTimer(watch);
    }

    /** The run, if the wait ended with a read; null if the client left. */
    Future<JsonObject> read(boolean read) {
      if (!read) {
        return Future.succeededFuture();
      }
      return ended != null
          ? Future.succeededFuture(ended)
          : orchestrator.call(new OrchestratorRequest.GetRun(runId));
    }
  }
}
