package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.Problems;
import io.flowbus.cluster.ResultBatch;
import io.flowbus.cluster.ResultBatch.Answer;
import io.flowbus.cluster.TaskResult;
import io.flowbus.model.AttemptState;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.OnContext;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Results go to the orchestrator in batches, one on its way at a time, and stay with the worker
 * until the orchestrator has taken each in.
 */
class ResultOutboxTest {
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final io.vertx.core.Context context = vertx.getOrCreateContext();

  /** Every batch the orchestrator got, in order. */
  private final List<Message<ResultBatch>> batches = new CopyOnWriteArrayList<>();

  @Test
  void aResultRefusedWithA503IsKeptAndSentAgainUntilItIsApplied() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    orchestrator(
        r ->
            tries.incrementAndGet() <= 3
                ? Answer.refused(
                    Problems.problem(503, "Result not journaled", "No space left on device"))
                : Answer.taken(true));
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);
    TaskResult result = result("s0-t0");

    context.runOnContext(v -> outbox.send(result));

    await().atMost(Duration.ofSeconds(10)).until(() -> tries.get() >= 2);
    assertThat(onContext(() -> outbox.pending().contains(result))).isTrue();
    awaitAllAcknowledged(outbox);
    assertThat(tries).hasValue(4);
  }

  @Test
  void aResultTheOrchestratorCannotTakeInIsDroppedNotSentForever() throws Exception {
    orchestrator(
        r ->
            Answer.refused(
                Problems.problem(500, "Result not applicable", "cannot (reference 1a2b3c4d)")));
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);

    context.runOnContext(v -> outbox.send(result("s0-t0")));

    awaitAllAcknowledged(outbox);
    assertThat(onContext(() -> outbox.whenEmpty().succeeded())).isTrue();
    // a membership change sends what is pending again: nothing is
    context.runOnContext(v -> outbox.resendAll());
    assertThat(onContext(() -> outbox.pending())).isEmpty();
    assertThat(batches).hasSize(1);
  }

  @Test
  void resultsThatEndWhileABatchIsOnItsWayGoTogetherInTheNext() throws Exception {
    Held held = holdFirst(1);
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);

    context.runOnContext(v -> outbox.send(result("s0-t0")));
    await().until(() -> batches.size() == 1);
    context.runOnContext(
        v -> List.of("s1-t0", "s1-t1", "s1-t2").forEach(t -> outbox.send(result(t))));
    assertThat(onContext(() -> outbox.pending())).hasSize(4);

    held.answer();

    awaitAllAcknowledged(outbox);
    assertThat(batches)
        .extracting(this::taskIds)
        .containsExactly(List.of("s0-t0"), List.of("s1-t0", "s1-t1", "s1-t2"));
  }

  @Test
  void aSpawnTasksResultGoesAloneAndAtOnceBesideTheBatchOnItsWay() throws Exception {
    Held held = holdFirst(1);
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);
    TaskResult spawn = new TaskResult("r", "s1-spawn", 1, "n1", AttemptState.SUCCEEDED, 0, null, 3);

    context.runOnContext(v -> outbox.send(result("s0-t0")));
    await().until(() -> batches.size() == 1);
    context.runOnContext(
        v -> {
          outbox.send(result("s0-t1"));
          outbox.send(spawn);
        });

    // answered while the first batch still waits
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> onContext(() -> !outbox.pending().contains(spawn)));
    assertThat(batches)
        .extracting(this::taskIds)
        .containsExactly(List.of("s0-t0"), List.of("s1-spawn"));
    held.answer();
    awaitAllAcknowledged(outbox);
    assertThat(batches).extracting(this::taskIds).last().isEqualTo(List.of("s0-t1"));
  }

  @Test
  void onlyTheResultsOfABatchThatWereRefusedAreSentAgain() throws Exception {
    AtomicInteger refusals = new AtomicInteger();
    orchestrator(
        r ->
            r.taskId().equals("s0-t2") && refusals.incrementAndGet() == 1
                ? Answer.refused(Problems.problem(503, "Result not journaled", "disk full"))
                : Answer.taken(true));
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);

    // the first goes alone; the next three wait for it and go together
    context.runOnContext(
        v -> List.of("s0-t0", "s0-t1", "s0-t2", "s0-t3").forEach(t -> outbox.send(result(t))));

    awaitAllAcknowledged(outbox);
    assertThat(batches)
        .extracting(this::taskIds)
        .containsExactly(List.of("s0-t0"), List.of("s0-t1", "s0-t2", "s0-t3"), List.of("s0-t2"));
  }

  @Test
  void aResultTheAnswersDoNotCoverIsSentAgain() throws Exception {
    onBatch(
        m ->
            m.reply(
                batches.size() == 1
                    ? new ResultBatch.Answers(List.of())
                    : answers(m, r -> Answer.taken(true))));
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);

    context.runOnContext(v -> outbox.send(result("s0-t0")));

    awaitAllAcknowledged(outbox);
    assertThat(batches).hasSize(2);
  }

  @Test
  void aBatchTheOrchestratorCannotReadIsDroppedNotSentForever() throws Exception {
    onBatch(
        m -> Problems.fail(m, Problems.problem(500, "Result not applicable", "reference 1a2b")));
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);

    context.runOnContext(v -> outbox.send(result("s0-t0")));

    awaitAllAcknowledged(outbox);
    assertThat(batches).hasSize(1);
  }

  @Test
  void aBatchToAnOrchestratorThatDiedDoesNotHoldBackTheResendAfterATakeover() throws Exception {
    // the first orchestrator takes the batch and never answers (it died); the next answers
    onBatch(
        m -> {
          if (batches.size() > 1) {
            m.reply(answers(m, r -> Answer.taken(true)));
          }
        });
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);
    context.runOnContext(v -> outbox.send(result("s0-t0")));
    await().until(() -> batches.size() == 1);

    long before = System.nanoTime();
    context.runOnContext(v -> outbox.resendAll());

    awaitAllAcknowledged(outbox);
    // well before the 5 s after which the first batch's request times out
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofMillis(4_500));
    assertThat(batches).hasSize(2);
  }

  @Test
  void theAnswerToABatchSentBeforeAResendDoesNotLetTwoBatchesGoAtOnce() throws Exception {
    Held held = holdFirst(2);
    ResultOutbox outbox = new ResultOutbox(vertx, () -> false);
    context.runOnContext(v -> outbox.send(result("s0-t0")));
    await().until(() -> batches.size() == 1);
    context.runOnContext(v -> outbox.resendAll());
    await().until(() -> batches.size() == 2);

    held.answer(0); // the batch from before the resend: s0-t0 is taken in
    await().until(() -> onContext(() -> outbox.pending().isEmpty()));
    context.runOnContext(v -> outbox.send(result("s0-t1")));

    // the batch sent by the resend is still on its way: s0-t1 waits for it
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> batches.size() == 2);
    held.answer(1);
    awaitAllAcknowledged(outbox);
    assertThat(batches).extracting(this::taskIds).last().isEqualTo(List.of("s0-t1"));
  }

  /**
   * The first {@code count} batches, held until the test answers them (all taken); the rest
   * answered at once.
   */
  private Held holdFirst(int count) {
    Held held = new Held(new CopyOnWriteArrayList<>());
    onBatch(
        m -> {
          if (batches.size() <= count) {
            held.messages().add(m);
          } else {
            m.reply(answers(m, r -> Answer.taken(true)));
          }
        });
    return held;
  }

  private record Held(List<Message<ResultBatch>> messages) {
    void answer() {
      messages.forEach(m -> m.reply(answers(m, r -> Answer.taken(true))));
    }

    void answer(int index) {
      Message<ResultBatch> m = messages.get(index);
      m.reply(answers(m, r -> Answer.taken(true)));
    }
  }

  private void awaitAllAcknowledged(ResultOutbox outbox) {
    await().atMost(Duration.ofSeconds(10)).until(() -> onContext(() -> outbox.pending().isEmpty()));
  }

  private List<String> taskIds(Message<ResultBatch> batch) {
    return batch.body().results().stream().map(TaskResult::taskId).toList();
  }

  private void orchestrator(Function<TaskResult, Answer> answer) {
    onBatch(m -> m.reply(answers(m, answer)));
  }

  /**
   * Plays the orchestrator: every batch is noted in {@link #batches}, then given to {@code
   * handler}.
   */
  private void onBatch(Consumer<Message<ResultBatch>> handler) {
    vertx
        .eventBus()
        .<ResultBatch>consumer(
            Addresses.ORCHESTRATOR_RESULTS,
            m -> {
              batches.add(m);
              handler.accept(m);
            });
  }

  private static ResultBatch.Answers answers(
      Message<ResultBatch> batch, Function<TaskResult, Answer> answer) {
    return new ResultBatch.Answers(batch.body().results().stream().map(answer).toList());
  }

  private static TaskResult result(String taskId) {
    return new TaskResult("r", taskId, 1, "n1", AttemptState.SUCCEEDED, 0, null, null);
  }

  private <T> T onContext(Callable<T> action) throws Exception {
    return OnContext.call(context, action);
  }
}
