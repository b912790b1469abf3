package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.model.AttemptState;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.TaskKind;
import io.flowbus.testing.LocalVertx;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An assignment or a batch of results is handed to a consumer on this node as it is, and travels to
 * another node as its JSON form.
 */
class BusCodecsTest {
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();

  private static TaskAssignment assignment() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("b", "2");
    values.put("a", "1");
    return new TaskAssignment(
        "r-1",
        "s0-t3",
        2,
        0,
        3,
        TaskKind.TASK,
        "echo",
        new ArrayList<>(List.of("{a}", "{b}")),
        values,
        List.of(new InputSpec("home", "", InputSource.ENVIRONMENT, "HOME", null, true)),
        List.of("hunter2"),
        5_000);
  }

  @Test
  void aRecordSentOnThisNodeIsDeliveredItselfNotACopy() throws Exception {
    BusCodecs.register(vertx);
    BusCodecs.register(vertx); // once per event bus, however often asked
    AssignmentBatch sent = new AssignmentBatch(List.of(assignment()));
    AssignmentBatch.Answers taken =
        new AssignmentBatch.Answers(List.of(AssignmentBatch.Answer.taken()));
    vertx.eventBus().<AssignmentBatch>consumer("a", m -> m.reply(taken));

    Message<AssignmentBatch.Answers> reply =
        vertx
            .eventBus()
            .<AssignmentBatch.Answers>request("a", sent)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(reply.body()).isSameAs(taken);

    List<AssignmentBatch> received = new ArrayList<>();
    vertx.eventBus().<AssignmentBatch>consumer("b", m -> m.reply(received.add(m.body())));
    vertx
        .eventBus()
        .request("b", sent)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(received).singleElement().isSameAs(sent);
  }

  @Test
  void anAssignmentCannotBeChangedOnceBuilt() {
    TaskAssignment assignment = assignment();
    assertThatThrownBy(() -> assignment.args().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> assignment.values().put("c", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void onTheWireARecordIsItsJsonForm() {
    TaskAssignment assignment = assignment();
    RecordCodec<TaskAssignment> codec =
        new RecordCodec<>("t", TaskAssignment::toJson, TaskAssignment::fromJson);
    Buffer wire = Buffer.buffer().appendString("xy");
    codec.encodeToWire(wire, assignment);

    int length = wire.getInt(2);
    assertThat(new JsonObject(wire.slice(6, 6 + length))).isEqualTo(assignment.toJson());
    assertThat(assignment.toJson().fieldNames())
        .containsExactly(
            "run_id",
            "task_id",
            "attempt",
            "stage",
            "index",
            "kind",
            "command",
            "args",
            "values",
            "environment_inputs",
            "secrets",
            "timeout_ms");
    assertThat(codec.decodeFromWire(2, wire)).isEqualTo(assignment);

    TaskResult result =
        new TaskResult("r-1", "s0-t3", 2, "n1", AttemptState.FAILED, 3, "exit 3", null);
    RecordCodec<TaskResult> results =
        new RecordCodec<>("r", TaskResult::toJson, TaskResult::fromJson);
    Buffer resultWire = Buffer.buffer();
    results.encodeToWire(resultWire, result);
    assertThat(new JsonObject(resultWire.slice(4, resultWire.length())))
        .isEqualTo(
            new JsonObject(
                "{\"run_id\":\"r-1\",\"task_id\":\"s0-t3\",\"attempt\":2,\"node\":\"n1\","
                    + "\"outcome\":\"FAILED\",\"exit_code\":3,\"error\":\"exit 3\","
                    + "\"spawn_count\":null}"));
    assertThat(results.decodeFromWire(0, resultWire)).isEqualTo(result);
  }

  @Test
  void aBatchOfResultsAndItsAnswersTravelWhole() {
    ResultBatch batch =
        new ResultBatch(
            List.of(
                new TaskResult("r-1", "s0-t3", 2, "n1", AttemptState.FAILED, 3, "exit 3", null),
                new TaskResult("r-2", "s1-t0", 1, "n1", AttemptState.SUCCEEDED, 0, null, 7)));
    RecordCodec<ResultBatch> batches =
        new RecordCodec<>("b", ResultBatch::toJson, ResultBatch::fromJson);
    Buffer wire = Buffer.buffer();
    batches.encodeToWire(wire, batch);
    assertThat(batches.decodeFromWire(0, wire)).isEqualTo(batch);

    ResultBatch.Answers answers =
        new ResultBatch.Answers(
            List.of(
                ResultBatch.Answer.taken(true),
                ResultBatch.Answer.taken(false),
                ResultBatch.Answer.refused(Problems.problem(503, "Result not journaled", "full"))));
    RecordCodec<ResultBatch.Answers> answerCodec =
        new RecordCodec<>("a", ResultBatch.Answers::toJson, ResultBatch.Answers::fromJson);
    Buffer answerWire = Buffer.buffer();
    answerCodec.encodeToWire(answerWire, answers);
    ResultBatch.Answers back = answerCodec.decodeFromWire(0, answerWire);
    assertThat(back).isEqualTo(answers);
    assertThat(back.answers().get(2).status()).isEqualTo(503);
    assertThat(back.answers().get(2).isTaken()).isFalse();
  }

  @Test
  void aBatchOfAssignmentsAndItsAnswersTravelWhole() {
    AssignmentBatch batch = new AssignmentBatch(List.of(assignment(), assignment()));
    RecordCodec<AssignmentBatch> batches =
        new RecordCodec<>("b", AssignmentBatch::toJson, AssignmentBatch::fromJson);
    Buffer wire = Buffer.buffer();
    batches.encodeToWire(wire, batch);
    assertThat(batches.decodeFromWire(0, wire)).isEqualTo(batch);

    AssignmentBatch.Answers answers =
        new AssignmentBatch.Answers(
            List.of(
                AssignmentBatch.Answer.taken(),
                AssignmentBatch.Answer.refused(
                    Problems.problem(429, "Assignment refused", "all 8 slots are busy"))));
    RecordCodec<AssignmentBatch.Answers> answerCodec =
        new RecordCodec<>("a", AssignmentBatch.Answers::toJson, AssignmentBatch.Answers::fromJson);
    Buffer answerWire = Buffer.buffer();
    answerCodec.encodeToWire(answerWire, answers);
    AssignmentBatch.Answers back = answerCodec.decodeFromWire(0, answerWire);
    assertThat(back).isEqualTo(answers);
    assertThat(back.answers().get(0).isTaken()).isTrue();
    assertThat(back.answers().get(1).status()).isEqualTo(429);
    assertThat(back.answers().get(1).isTaken()).isFalse();
  }
}
