package io.flowbus.api;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.OrchestratorRequest.Follow;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/runs/{id}/events}: Server-Sent Events of every state change of a run. It listens
 * first, then takes a snapshot, so no change falls between the two; changes the snapshot already
 * shows are skipped by version. The stream ends when the run has ended.
 *
 * <p>A client that does not read is not buffered for: once {@link #WRITE_QUEUE_BOUND} bytes wait
 * unsent, its connection is closed (it may reconnect and get a fresh snapshot). Whichever way a
 * stream ends, its event-bus consumer and keep-alive timer go with it.
 */
final class EventStreamHandler {
  /** Also how often the stream renews its run's watch at the orchestrator. */
  private static final long KEEP_ALIVE_MS = OrchestratorRequest.WatchRun.RENEW.toMillis();

  /** Bytes a stream may have waiting unsent before its connection is closed. */
  static final int WRITE_QUEUE_BOUND = 1024 * 1024;

  private final Vertx vertx;
  private final OrchestratorClient orchestrator;
  private final AtomicInteger open = new AtomicInteger();

  EventStreamHandler(Vertx vertx, OrchestratorClient orchestrator, MeterRegistry registry) {
    this.vertx = vertx;
    this.orchestrator = orchestrator;
    Gauge.builder("flowbus.event.streams.open", open, AtomicInteger::get)
        .description("Server-Sent Event streams open on this node")
        .register(registry);
  }

  /** Streams whose consumer and timer are still held. */
  int openStreams() {
    return open.get();
  }

  /** Events held for a stream while its snapshot is on its way, at the most. */
  static final int MAX_EARLY = 10_000;

  /** One open stream. */
  private final class Stream {
    final HttpServerResponse response;
    final String runId;
    final MessageConsumer<JsonObject> consumer;
    final List<JsonObject> early = new ArrayList<>();
    long snapshotVersion = -1;
    long keepAlive = -1;
    boolean released;
    final boolean headOnly;

    Stream(RoutingContext rc, String runId) {
      this.runId = runId;
      this.response = rc.response();
      this.headOnly = HeadRequests.isHead(rc);
      this.consumer = vertx.eventBus().consumer(Addresses.runEvents(runId), m -> onEvent(m.body()));
      open.incrementAndGet();
    }

    /**
     * Relies on the event bus delivering the messages of one sender to one node in the order they
     * were sent (they travel one connection): a stream's versions then only go up, and a change
     * that the snapshot already shows is skipped by its version.
     */
    void onEvent(JsonObject event) {
      if (released) {
        return;
      }
      if (snapshotVersion < 0) {
        if (early.size() >= MAX_EARLY) {
          // the snapshot is slow to come: a bounded wait, as for a client that does not read
          release();
          response.reset();
          return;
        }
        early.add(event);
      } else if (event.getLong("version") > snapshotVersion) {
        send(event.getString("type"), event.getLong("version"), event.getJsonObject("data"));
        if (event.getBoolean("ended", false)) {
          end();
        }
      }
    }

    void open(JsonObject snapshot) {
      if (released) {
        return; // the client left while the snapshot was on its way
      }
      response
          .setWriteQueueMaxSize(WRITE_QUEUE_BOUND)
          .setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      if (headOnly) {
        end(); // the headers a GET would get, and no stream
        return;
      }
      snapshotVersion = snapshot.getLong("version");
      send("run", snapshotVersion, snapshot.getJsonObject("run"));
      if (snapshot.getBoolean("ended", false)) {
        end();
        return;
      }
      keepAlive =
          vertx.setPeriodic(
              KEEP_ALIVE_MS,
              t -> {
                write(": keep-alive\n\n");
                // the orchestrator publishes the run's changes while someone renews this
                orchestrator.call(new OrchestratorRequest.WatchRun(runId, Follow.EVERY_CHANGE));
              });
      List<JsonObject> waiting = List.copyOf(early);
      early.clear();
      waiting.forEach(this::onEvent);
    }

    void send(String type, long version, JsonObject data) {
      write("id: " + version + "\nevent: " + type + "\ndata: " + data.encode() + "\n\n");
    }

    private void write(String text) {
      if (released || response.closed()) {
        release();
      } else if (response.writeQueueFull()) {
        release(); // the client does not read: drop it rather than buffer for it
        response.reset();
      } else {
        response.write(text);
      }
    }

    void end() {
      if (release() && !response.ended() && !response.closed()) {
        response.end();
      }
    }

    /** Lets go of the consumer, the timer and the early events; true the first time only. */
    boolean release() {
      if (released) {
        return false;
      }
      released = true;
      open.decrementAndGet();
      consumer.unregister();
      if (keepAlive >= 0) {
        vertx.cancelTimer(keepAlive);
      }
      early.clear();
      return true;
    }
  }

  void handle(RoutingContext rc) {
    String runId = Params.runId(rc);
    HttpServerResponse response = rc.response();
    if (response.closed()) {
      return; // the client already left: a close handler set now would never be called
    }
    Stream stream = new Stream(rc, runId);
    response.closeHandler(v -> stream.release());
    response.exceptionHandler(e -> stream.release());
    stream
        .consumer
        .completion()
        .compose(
            v -> orchestrator.call(new OrchestratorRequest.RunSnapshot(runId, Follow.EVERY_CHANGE)))
        .onSuccess(stream::open)
        .onFailure(
            e -> {
              if (stream.release()) {
                rc.fail(e);
              }
            });
  }
}
