package io.flowbus.api;

import io.flowbus.cluster.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/runs/{id}/events}: Server-Sent Events of every state change of a run. It listens
 * first, then takes a snapshot, so no change falls between the two; changes the snapshot already
 * shows are skipped by version. The stream ends when the run has ended.
 */
final class EventStreamHandler {
  private static final long KEEP_ALIVE_MS = 15_000;

  private final Vertx vertx;
  private final OrchestratorClient orchestrator;

  EventStreamHandler(Vertx vertx, OrchestratorClient orchestrator) {
    this.vertx = vertx;
    this.orchestrator = orchestrator;
  }

  /** One open stream. */
  private final class Stream {
    final HttpServerResponse response;
    final MessageConsumer<JsonObject> consumer;
    final List<JsonObject> early = new ArrayList<>();
    long snapshotVersion = -1;
    long keepAlive = -1;
    boolean closed;

    Stream(RoutingContext rc, String runId) {
      this.response = rc.response();
      this.consumer = vertx.eventBus().consumer(Addresses.runEvents(runId), m -> onEvent(m.body()));
    }

    void onEvent(JsonObject event) {
      if (snapshotVersion < 0) {
        early.add(event);
      } else if (event.getLong("version") > snapshotVersion) {
        send(event.getString("type"), event.getLong("version"), event.getJsonObject("data"));
        if (event.getBoolean("ended", false)) {
          close();
        }
      }
    }

    void open(JsonObject snapshot) {
      response
          .setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      snapshotVersion = snapshot.getLong("version");
      send("run", snapshotVersion, snapshot.getJsonObject("run"));
      if (snapshot.getBoolean("ended", false)) {
        close();
        return;
      }
      keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> response.write(": keep-alive\n\n"));
      List<JsonObject> waiting = List.copyOf(early);
      early.clear();
      waiting.forEach(this::onEvent);
    }

    void send(String type, long version, JsonObject data) {
      if (!closed) {
        response.write("id: " + version + "\nevent: " + type + "\ndata: " + data.encode() + "\n\n");
      }
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      consumer.unregister();
      vertx.cancelTimer(keepAlive);
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }
  }

  void handle(RoutingContext rc) {
    String runId = Params.runId(rc);
    Stream stream = new Stream(rc, runId);
    rc.response().closeHandler(v -> stream.close());
    stream
        .consumer
        .completion()
        .compose(v -> orchestrator.call(new JsonObject().put("op", "snapshot").put("id", runId)))
        .onSuccess(stream::open)
        .onFailure(
            e -> {
              stream.closed = true;
              stream.consumer.unregister();
              rc.fail(e);
            });
  }
}
