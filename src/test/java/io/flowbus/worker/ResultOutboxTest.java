package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.TaskResult;
import io.flowbus.model.AttemptState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A result the orchestrator cannot journal stays with the worker and is sent again. */
class ResultOutboxTest {
  private final Vertx vertx = Vertx.vertx();
  private final io.vertx.core.Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aResultRefusedWithA503IsKeptAndSentAgainUntilItIsApplied() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.ORCHESTRATOR_RESULTS,
            m -> {
              if (tries.incrementAndGet() <= 3) {
                m.fail(503, "the journal cannot be written: No space left on device");
              } else {
                m.reply(new JsonObject().put("applied", true));
              }
            });
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);
    TaskResult result =
        new TaskResult("r", "s0-t0", 1, "n1", AttemptState.SUCCEEDED, 0, null, null);

    context.runOnContext(v -> outbox.send(result));

    await().atMost(Duration.ofSeconds(10)).until(() -> tries.get() >= 2);
    assertThat(onContext(() -> outbox.pending().contains(result))).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> onContext(() -> outbox.pending().isEmpty()));
    assertThat(tries).hasValue(4);
  }

  @Test
  void aResultTheOrchestratorCannotTakeInIsDroppedNotSentForever() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.ORCHESTRATOR_RESULTS,
            m -> {
              tries.incrementAndGet();
              m.fail(500, "{\"status\":500,\"detail\":\"cannot take in (reference 1a2b3c4d)\"}");
            });
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);
    TaskResult result =
        new TaskResult("r", "s0-t0", 1, "n1", AttemptState.SUCCEEDED, 0, null, null);

    context.runOnContext(v -> outbox.send(result));

    await().atMost(Duration.ofSeconds(10)).until(() -> onContext(() -> outbox.pending().isEmpty()));
    assertThat(onContext(() -> outbox.whenEmpty().succeeded())).isTrue();
    // a membership change sends what is pending again: nothing is
    context.runOnContext(v -> outbox.resendAll());
    assertThat(onContext(() -> outbox.pending())).isEmpty();
    assertThat(tries).hasValue(1);
  }

  private <T> T onContext(java.util.concurrent.Callable<T> action) throws Exception {
    java.util.concurrent.CompletableFuture<T> out = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            out.complete(action.call());
          } catch (Exception e) {
            out.completeExceptionally(e);
          }
        });
    return out.get(10, TimeUnit.SECONDS);
  }
}
