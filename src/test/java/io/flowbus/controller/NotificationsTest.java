package io.flowbus.controller;

import static io.flowbus.testing.OnContext.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.config.WebhookSecret;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Definitions;
import io.flowbus.model.Delivery;
import io.flowbus.model.Run;
import io.flowbus.model.RunPlan;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.JournalWriter;
import io.flowbus.storage.RunStore;
import io.flowbus.testing.JournalEvents;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notifications as {@link Engine} wires them, on a real journal, sent to a receiver on loopback:
 * failures are retried with backoff, the accepted POST is signed, and each attempt is journaled.
 */
class NotificationsTest {
  private static final String SECRET = "shared-webhook-secret";
  private static final String TOKEN = "Bearer top-secret-token-value";
  private static final String VERSION = "0".repeat(63) + "7";
  private static final String RUN = "20261126-100000-000-noti";

  @TempDir Path data;
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final JournalWriter writer = new JournalWriter(false);
  private final List<HttpServerRequest> received = new CopyOnWriteArrayList<>();
  private final List<JsonObject> accepted = new CopyOnWriteArrayList<>();
  private final List<String> journaledAtFirstPost = new CopyOnWriteArrayList<>();
  private Runs runs;
  private RunCoordinator coordinator;

  @AfterEach
  void close() throws Exception {
    writer.close();
  }

  @Test
  void aReceiverThatFailsThreeTimesGetsOneSignedDeliveryWithoutTheSecretInput() throws Exception {
    int port = receiver(this::failThreeTimesThenVerify);
    wire(Clock.systemUTC(), port, new Backoff(ms(50), ms(200), Duration.ofHours(1)));

    failRun();

    await().atMost(30, TimeUnit.SECONDS).until(() -> delivery().delivered());
    Delivery delivery = delivery();
    assertThat(accepted).as("exactly one delivery accepted").hasSize(1);
    assertThat(journaledAtFirstPost)
        .as("the end is journaled before the first POST")
        .last()
        .isEqualTo("ended");
    assertThat(received).hasSize(4);
    assertThat(delivery.attempts())
        .extracting(Delivery.Attempt::status)
        .containsExactly(500, null, null, 204);
    assertThat(delivery.attempts().get(1).error()).contains("no answer within 2000 ms");
    JsonObject body = accepted.get(0);
    assertThat(body.getString("event")).isEqualTo("run.failed");
    assertThat(body.getString("delivery")).isEqualTo(RUN + ".1");
    assertThat(body.getJsonObject("run").getString("state")).isEqualTo("FAILED");
    assertThat(body.getJsonObject("run").getJsonObject("inputs").getString("token"))
        .isEqualTo("***");
    assertThat(body.encode()).doesNotContain("top-secret");
    assertThat(JournalEvents.of(data, RUN))
        .filteredOn(e -> e.getString("type").equals("notification_attempted"))
        .extracting(e -> e.getBoolean("delivered"))
        .containsExactly(false, false, false, true);
  }

  @Test
  void aDeliveryIsGivenUpOnceAnHourHasPassedSinceTheRunEnded() throws Exception {
    int port = receiver(request -> request.response().setStatusCode(503).end());
    SettableClock clock = new SettableClock(Instant.now());
    wire(clock, port, new Backoff(ms(50), ms(50), Duration.ofHours(1)));
    // the receiver fails until the clock says the hour is up: then the attempt is the last one

    failRun();
    await().atMost(10, TimeUnit.SECONDS).until(() -> received.size() >= 2);
    assertThat(delivery().status()).as("not given up within the hour").isEqualTo("pending");
    clock.advance(Duration.ofHours(1));

    await().atMost(10, TimeUnit.SECONDS).until(() -> "failed".equals(delivery().status()));
    Delivery delivery = delivery();
    assertThat(delivery.nextAttemptAt()).isNull();
    assertThat(delivery.attempts()).allSatisfy(a -> assertThat(a.error()).isNotNull());
    // given up at the first failure seen once the hour had passed (that attempt may have been
    // sent just before the clock moved, so its own time may be within the hour)
    int sent = received.size();
    assertThat(delivery.attempts()).hasSize(sent);
    assertThat(call(context, () -> runs.get(RUN).state().name())).isEqualTo("FAILED");
  }

  private void failThreeTimesThenVerify(HttpServerRequest request) {
    int n = received.size();
    if (n == 1) {
      try {
        JournalEvents.of(data, RUN).forEach(e -> journaledAtFirstPost.add(e.getString("type")));
      } catch (java.io.IOException e) {
        journaledAtFirstPost.add(e.toString());
      }
      request.response().setStatusCode(500).end();
    } else if (n == 2) {
      return; // no answer: the sender's timeout ends it
    } else if (n == 3) {
      request.connection().close(); // a reset connection
    } else {
      request
          .body()
          .onSuccess(
              body -> {
                String expected =
                    WebhookSender.signature(
                        SECRET.getBytes(StandardCharsets.UTF_8), body.getBytes());
                boolean valid = expected.equals(request.getHeader("X-Flowbus-Signature"));
                if (valid
                    && "run.failed".equals(request.getHeader("X-Flowbus-Event"))
                    && (RUN + ".1").equals(request.getHeader("X-Flowbus-Delivery"))
                    && request.getHeader("Content-Type").startsWith("application/json")) {
                  accepted.add(body.toJsonObject());
                  request.response().setStatusCode(204).end();
                } else {
                  request.response().setStatusCode(401).end();
                }
              });
    }
  }

  private int receiver(io.vertx.core.Handler<HttpServerRequest> handler) throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                request -> {
                  received.add(request);
                  handler.handle(request);
                });
    return server
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  private void wire(Clock clock, int port, Backoff backoff) throws Exception {
    String yaml =
        """
        tasks:
          t: {exec_command: t}
        jobs:
          j:
            input:
              token: {source: http-header, key: Authorization}
            stages: [{name: s, task_class: t}]
            notify:
              - {url: "http://127.0.0.1:%d/hook", on: [failed]}
        """
            .formatted(port);
    RunStore store = new RunStore(new DataLayout(data), writer);
    store.archiveDefinitions(VERSION, yaml);
    Definitions d = DefinitionsLoader.parse(yaml, "t.yaml");
    RunPlan plan = RunPlan.of(d, d.jobs().get("j"), VERSION);
    call(
        context,
        () -> {
          runs = new Runs();
          ReadyQueue queue = new ReadyQueue();
          OrchestratorMetrics metrics = new OrchestratorMetrics(new SimpleMeterRegistry());
          RunEffects visible =
              new RunEffects(
                  vertx,
                  clock,
                  runs,
                  queue,
                  new WorkerClient(vertx, "orchestrator-node", node -> true),
                  metrics);
          DurableEffects durable = new DurableEffects(context, EventStore.of(store), visible);
          coordinator = new RunCoordinator(clock, durable);
          WebhookSender sender = new WebhookSender(vertx, WebhookSecret.of(SECRET), ms(2000));
          Notifications notifications =
              new Notifications(vertx, clock, runs, coordinator, sender, backoff);
          visible.afterDurable(notifications::recorded);
          Run run = coordinator.create(RUN, plan, Map.of("token", TOKEN), Set.of("token"));
          runs.put(run);
          return null;
        });
  }

  private void failRun() throws Exception {
    call(
        context,
        () -> {
          Run run = runs.get(RUN);
          coordinator.start(run);
          coordinator.dispatched(run, run.task("s0-t0"), 1, "w");
          coordinator.ended(
              run, run.task("s0-t0"), 1, AttemptState.FAILED, 1, "exit 1 " + TOKEN, null);
          return null;
        });
  }

  private Delivery delivery() throws Exception {
    return call(context, () -> runs.get(RUN).deliveries().get(0));
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
