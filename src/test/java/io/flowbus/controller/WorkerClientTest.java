package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.WorkerControl;
import io.flowbus.model.AttemptKey;
import io.flowbus.testing.LocalVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A takeover's question to a worker, what it holds, and a cancel, against a real (local) event bus:
 * a member that does not listen yet, as after a dead member took the bus's registrations with it,
 * is asked again.
 */
class WorkerClientTest {
  private static final AttemptKey HELD = new AttemptKey("run-1", "s0-t3", 1);

  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final WorkerClient client = new WorkerClient(vertx, "self", node -> true);
  private final AtomicInteger asked = new AtomicInteger();

  @Test
  void aMemberThatListensOnlyLaterIsAskedAgainUntilItSaysWhatItHolds() throws Exception {
    vertx.setTimer(700, t -> listen("w1")); // its registration comes back after a few tries

    WorkerControl.Inventory inventory = result(client.inventoryOnceListening("w1", 10_000));

    assertThat(inventory.node()).isEqualTo("w1");
    assertThat(inventory.attempts()).containsExactly(HELD);
    assertThat(asked).hasValue(1);
  }

  @Test
  void aNodeThatIsNoLongerAMemberIsNotAskedAgain() {
    AtomicInteger checks = new AtomicInteger();

    ReplyFailure failure =
        failureType(
            new WorkerClient(vertx, "self", node -> checks.incrementAndGet() < 0)
                .inventoryOnceListening("gone", 10_000));

    assertThat(failure).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(checks).hasValue(1);
  }

  @Test
  void aMemberThatNeverListensIsAskedAgainUntilThePatienceIsOver() {
    AtomicInteger checks = new AtomicInteger();
    long started = System.nanoTime();

    ReplyFailure failure =
        failureType(
            new WorkerClient(vertx, "self", node -> checks.incrementAndGet() > 0)
                .inventoryOnceListening("mute", 600));

    assertThat(failure).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(checks.get()).as("asked again").isGreaterThan(1);
    assertThat(elapsedMs(started)).isBetween(600L - 200, 4_000L);
  }

  @Test
  void aQuestionStillOpenWhenThePatienceEndsIsGivenOnlyTheTimeLeft() {
    vertx.eventBus().consumer(Addresses.workerControl("frozen"), m -> asked.incrementAndGet());
    long started = System.nanoTime();

    ReplyFailure failure = failureType(client.inventoryOnceListening("frozen", 600));

    assertThat(failure).isEqualTo(ReplyFailure.TIMEOUT);
    assertThat(asked).hasValue(1);
    assertThat(elapsedMs(started)).as("not the 3 s of a question's own timeout").isLessThan(2_500);
  }

  @Test
  void aWorkerThatRefusesTheQuestionIsNotAskedAgain() {
    refuse("odd");

    ReplyFailure failure = failureType(client.inventoryOnceListening("odd", 10_000));

    assertThat(failure).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(asked).hasValue(1);
  }

  @Test
  void aWorkerThatAnswersAtOnceIsAskedOnce() throws Exception {
    listen("w2");

    assertThat(result(client.inventoryOnceListening("w2", 10_000)).node()).isEqualTo("w2");
    assertThat(asked).hasValue(1);
  }

  @Test
  void aCancelToAMemberThatListensOnlyLaterIsSentAgainUntilTheWorkerHasIt() throws Exception {
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    vertx.setTimer(
        700,
        t ->
            vertx
                .eventBus()
                .<JsonObject>consumer(
                    Addresses.workerControl("w3"),
                    m -> {
                      received.add(m.body());
                      m.reply(new JsonObject().put("stopping", true));
                    }));

    result(client.cancel("w3", HELD, "cancelled on request"));

    assertThat(received).hasSize(1);
    assertThat(WorkerControl.fromJson(received.get(0)))
        .isEqualTo(new WorkerControl.Cancel(HELD, "cancelled on request"));
  }

  @Test
  void aCancelToANodeThatLeftIsNotSentAgain() {
    AtomicInteger checks = new AtomicInteger();

    ReplyFailure failure =
        failureType(
            new WorkerClient(vertx, "self", node -> checks.incrementAndGet() < 0)
                .cancel("gone", HELD, "cancelled on request"));

    assertThat(failure).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(checks).hasValue(1);
  }

  @Test
  void aCancelThatTheWorkerAnswersLateIsNotSentAgain() throws Exception {
    vertx
        .eventBus()
        .consumer(
            Addresses.workerControl("slow"),
            m -> {
              asked.incrementAndGet();
              vertx.setTimer(3_500, t -> m.reply(new JsonObject().put("stopping", true)));
            });

    result(client.cancel("slow", HELD, "cancelled on request"));

    assertThat(asked).as("a copy would stop a task twice, or a later one").hasValue(1);
  }

  @Test
  void aCancelWithNoAnswerInTimeIsNotSentAgain() {
    vertx.eventBus().consumer(Addresses.workerControl("frozen"), m -> asked.incrementAndGet());

    ReplyFailure failure =
        failureType(
            new WorkerClient(vertx, "self", node -> true, 600)
                .cancel("frozen", HELD, "cancelled on request"));

    assertThat(failure).isEqualTo(ReplyFailure.TIMEOUT);
    assertThat(asked).as("it may have arrived: a copy could stop a later task").hasValue(1);
  }

  @Test
  void aCancelOfAnAssignmentOnItsWayIsSentOnlyOnce() {
    client.cancelOnce("w4", HELD, "the run no longer needs it");
    vertx.setTimer(300, t -> listen("w4"));

    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () -> assertThat(asked).as("its attempt number may be given out again").hasValue(0));
  }

  @Test
  void aCancelTheWorkerRefusesIsSentOnce() {
    refuse("odd");

    ReplyFailure failure = failureType(client.cancel("odd", HELD, "cancelled on request"));

    assertThat(failure).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(asked).hasValue(1);
  }

  @Test
  void aMembershipThatCannotBeToldEndsTheQuestions() {
    ReplyFailure failure =
        failureType(
            new WorkerClient(
                    vertx,
                    "self",
                    node -> {
                      throw new IllegalStateException("Hazelcast instance is not active");
                    })
                .cancel("gone", HELD, "cancelled on request"));

    assertThat(failure).isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  /** The node's worker refuses every control message, as one that does not know it would. */
  private void refuse(String node) {
    vertx
        .eventBus()
        .consumer(
            Addresses.workerControl(node),
            m -> {
              asked.incrementAndGet();
              m.fail(400, "unknown control");
            });
  }

  private void listen(String node) {
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.workerControl(node),
            m -> {
              asked.incrementAndGet();
              m.reply(
                  new WorkerControl.Inventory(node, 2, false, List.of(HELD), List.of()).toJson());
            });
  }

  private static long elapsedMs(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** How the future failed: it must fail with a {@link ReplyException}. */
  private static ReplyFailure failureType(Future<?> future) {
    CompletableFuture<?> done = future.toCompletionStage().toCompletableFuture();
    await().atMost(Duration.ofSeconds(20)).until(done::isDone);
    Throwable failure = done.handle((v, e) -> e).join();
    assertThat(failure).isInstanceOf(ReplyException.class);
    return ((ReplyException) failure).failureType();
  }
}
