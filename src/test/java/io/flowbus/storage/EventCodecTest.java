package io.flowbus.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Idempotency;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import io.flowbus.model.Trigger;
import io.flowbus.testing.DefinitionsBuilder;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The journal's line format, event by event: journals written before keep reading the same, so
 * every line here is pinned byte for byte, and each reads back as the event it was written from.
 */
class EventCodecTest {
  private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant LATER = Instant.parse("2026-03-01T10:05:00Z");
  private static final RunPlan PLAN =
      DefinitionsBuilder.oneTaskJob("build", "compile").plan("build");
  private static final List<Map<String, String>> ENTRIES =
      List.of(Map.of("n", "1"), Map.of("n", "2"));

  private final EventCodec.References refs =
      new EventCodec.References() {
        @Override
        public RunPlan plan(String definitionsVersion, String jobId) {
          return PLAN;
        }

        @Override
        public Map<String, String> secrets(String runId) {
          return Map.of("token", "s3cret");
        }

        @Override
        public List<Map<String, String>> spawnEntries(String runId, int stage) {
          return ENTRIES;
        }
      };

  static Stream<Arguments> lines() {
    String at = "{\"at\":\"2026-03-01T10:00:00Z\",";
    return Stream.of(
        Arguments.of(new RunEvent.Started(T), at + "\"type\":\"started\"}"),
        Arguments.of(
            new RunEvent.StageStarted(T, 1), at + "\"type\":\"stage_started\",\"stage\":1}"),
        Arguments.of(
            new RunEvent.TaskDispatched(T, "s0-t0", 2, "n1"),
            at + "\"type\":\"task_dispatched\",\"task\":\"s0-t0\",\"attempt\":2,\"node\":\"n1\"}"),
        Arguments.of(
            new RunEvent.TaskEnded(T, "s0-t0", 1, AttemptState.FAILED, 3, "boom", LATER),
            at
                + "\"type\":\"task_ended\",\"task\":\"s0-t0\",\"attempt\":1,\"outcome\":\"FAILED\","
                + "\"exit_code\":3,\"error\":\"boom\",\"retry_at\":\"2026-03-01T10:05:00Z\"}"),
        Arguments.of(
            new RunEvent.TaskEnded(T, "s0-t0", 1, AttemptState.SUCCEEDED, 0, null, null),
            at
                + "\"type\":\"task_ended\",\"task\":\"s0-t0\",\"attempt\":1,\"outcome\":\"SUCCEEDED\","
                + "\"exit_code\":0,\"error\":null,\"retry_at\":null}"),
        Arguments.of(
            new RunEvent.TaskRejected(T, "s0-t1", "no input"),
            at + "\"type\":\"task_rejected\",\"task\":\"s0-t1\",\"error\":\"no input\"}"),
        Arguments.of(
            new RunEvent.TaskLost(T, "s0-t0", 1, "left"),
            at + "\"type\":\"task_lost\",\"task\":\"s0-t0\",\"attempt\":1,\"reason\":\"left\"}"),
        Arguments.of(
            new RunEvent.Spawned(T, 0, ENTRIES),
            at + "\"type\":\"spawned\",\"stage\":0,\"count\":2}"),
        Arguments.of(
            new RunEvent.StageAborted(T, 0, "too many"),
            at + "\"type\":\"stage_aborted\",\"stage\":0,\"reason\":\"too many\"}"),
        Arguments.of(
            new RunEvent.StageEnded(T, 0, TaskState.FAILED, "s0-t0 failed"),
            at
                + "\"type\":\"stage_ended\",\"stage\":0,\"state\":\"FAILED\",\"error\":\"s0-t0 failed\"}"),
        Arguments.of(
            new RunEvent.StageSkipped(T, 2, "stage 1 was skipped"),
            at + "\"type\":\"stage_skipped\",\"stage\":2,\"reason\":\"stage 1 was skipped\"}"),
        Arguments.of(
            new RunEvent.Cancelled(T, "asked"),
            at + "\"type\":\"cancelled\",\"reason\":\"asked\"}"),
        Arguments.of(new RunEvent.Paused(T), at + "\"type\":\"paused\"}"),
        Arguments.of(new RunEvent.Resumed(T), at + "\"type\":\"resumed\"}"),
        Arguments.of(new RunEvent.Retried(T), at + "\"type\":\"retried\"}"),
        Arguments.of(
            new RunEvent.Ended(T, RunState.SUCCEEDED, null),
            at + "\"type\":\"ended\",\"state\":\"SUCCEEDED\",\"error\":null}"),
        Arguments.of(
            new RunEvent.NotificationAttempted(T, 1, 2, 502, "bad gateway", 40L, false, LATER),
            at
                + "\"type\":\"notification_attempted\",\"delivery\":1,\"attempt\":2,\"status\":502,"
                + "\"error\":\"bad gateway\",\"duration_ms\":40,\"delivered\":false,"
                + "\"next_attempt_at\":\"2026-03-01T10:05:00Z\"}"));
  }

  @ParameterizedTest
  @MethodSource("lines")
  void anEventIsWrittenAsItsLineAndReadBackAsItself(RunEvent event, String line) throws Exception {
    assertThat(EventCodec.encode(event).encode()).isEqualTo(line);
    assertThat(EventCodec.decode(new JsonObject(line), "r1", refs)).isEqualTo(event);
  }

  @Test
  void aCreationKeepsTheMaskInPlaceOfASecretAndReadsTheSecretBackFromItsFile() throws Exception {
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("name", "x");
    inputs.put("token", "s3cret");
    RunEvent.Created created =
        new RunEvent.Created(
            T,
            "r1",
            PLAN,
            inputs,
            Set.of("token"),
            new Idempotency("k1", "fp"),
            new Trigger("nightly", LATER));
    String line =
        "{\"at\":\"2026-03-01T10:00:00Z\",\"type\":\"created\",\"run_id\":\"r1\",\"job\":\"build\","
            + "\"definitions_version\":\"v1\",\"inputs\":{\"name\":\"x\",\"token\":\"***\"},"
            + "\"secret_inputs\":[\"token\"],\"idempotency\":{\"key\":\"k1\",\"fingerprint\":\"fp\"},"
            + "\"trigger\":{\"schedule\":\"nightly\",\"due_at\":\"2026-03-01T10:05:00Z\"}}";

    assertThat(EventCodec.encode(created).encode()).isEqualTo(line);
    assertThat(EventCodec.decode(new JsonObject(line), "r1", refs)).isEqualTo(created);
  }

  @Test
  void aCreationWithoutKeyOrTriggerWritesNeither() throws Exception {
    RunEvent.Created created = new RunEvent.Created(T, "r1", PLAN, Map.of(), Set.of());
    String line =
        "{\"at\":\"2026-03-01T10:00:00Z\",\"type\":\"created\",\"run_id\":\"r1\",\"job\":\"build\","
            + "\"definitions_version\":\"v1\",\"inputs\":{},\"secret_inputs\":[]}";

    assertThat(EventCodec.encode(created).encode()).isEqualTo(line);
    assertThat(EventCodec.decode(new JsonObject(line), "r1", refs)).isEqualTo(created);
  }

  @Test
  void anUnknownTypeIsAnErrorNamingIt() {
    JsonObject line = new JsonObject().put("at", T.toString()).put("type", "exploded");

    assertThatThrownBy(() -> EventCodec.decode(line, "r1", refs))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown journal event type 'exploded'");
  }

  @Test
  void aSpawnWhoseFileHoldsOtherEntriesThanItsLineCountsIsAnError() {
    JsonObject line =
        new JsonObject(
            "{\"at\":\"2026-03-01T10:00:00Z\",\"type\":\"spawned\",\"stage\":0,\"count\":3}");

    assertThatThrownBy(() -> EventCodec.decode(line, "r1", refs))
        .hasMessage("stage 0 spawned 3 entries but the file holds 2");
  }
}
