package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.cluster.BusCodecs;
import io.flowbus.cluster.Problems;
import io.flowbus.cluster.ResultBatch;
import io.flowbus.cluster.ResultBatch.Answer;
import io.flowbus.cluster.TaskResult;
import io.flowbus.controller.BatchAnswers.Delivered;
import io.flowbus.model.AttemptState;
import io.flowbus.testing.LocalVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A batch of results is answered once, when each of its results is, in their order. */
class BatchAnswersTest {
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final CompletableFuture<List<Delivered>> delivered = new CompletableFuture<>();

  @BeforeEach
  void setUp() {
    BusCodecs.register(vertx);
    vertx.eventBus().<ResultBatch>consumer("results", m -> delivered.complete(BatchAnswers.of(m)));
  }

  @Test
  void anEmptyBatchIsAnsweredAtOnce() throws Exception {
    Future<Message<ResultBatch.Answers>> answer = send();

    assertThat(delivered.get(10, TimeUnit.SECONDS)).isEmpty();
    assertThat(answers(answer)).isEmpty();
  }

  @Test
  void theBatchIsAnsweredOnceEveryResultIsAndAResultKeepsItsFirstAnswer() throws Exception {
    Future<Message<ResultBatch.Answers>> answer = send(result("s0-t0"), result("s0-t1"));
    List<Delivered> results = delivered.get(10, TimeUnit.SECONDS);

    results.get(1).refused(Problems.problem(503, "Result not journaled", "full"));
    results.get(1).taken(true); // too late: the first answer stands
    assertThat(answer.isComplete()).isFalse();
    results.get(0).taken(false);

    assertThat(answers(answer))
        .containsExactly(
            Answer.taken(false),
            Answer.refused(Problems.problem(503, "Result not journaled", "full")));
  }

  private Future<Message<ResultBatch.Answers>> send(TaskResult... results) {
    return vertx.eventBus().request("results", new ResultBatch(List.of(results)));
  }

  private static List<Answer> answers(Future<Message<ResultBatch.Answers>> answer)
      throws Exception {
    return answer
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .body()
        .answers();
  }

  private static TaskResult result(String taskId) {
    return new TaskResult("r", taskId, 1, "w", AttemptState.SUCCEEDED, 0, null, null);
  }
}
