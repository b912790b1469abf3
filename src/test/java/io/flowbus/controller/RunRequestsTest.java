package io.flowbus.controller;

import static io.flowbus.testing.DefinitionsBuilder.aDefinitions;
import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatThrownBy;
import static io.flowbus.testing.JobBuilder.aJob;
import static io.flowbus.testing.TaskClassBuilder.aTask;

import io.flowbus.model.JobDef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunRequestsTest {
  private static JobDef job() {
    return aDefinitions()
        .task(aTask("t"))
        .job(
            aJob("j")
                .parameter("data_id")
                .parameter("level", "info")
                .input("optional", Map.of("source", "parameter", "required", false))
                .header("basic_auth", "Authorization")
                .input("HOME", Map.of("source", "environment"))
                .stage("s", "t"))
        .build()
        .jobs()
        .get("j");
  }

  @Test
  void takesParametersHeadersAndDefaults() throws Exception {
    var inputs =
        RunRequests.resolve(job(), Map.of("data_id", "42"), Map.of("authorization", "Basic x"));

    assertThat(inputs.values())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("data_id", "42", "level", "info", "basic_auth", "Basic x"));
    assertThat(inputs.secrets()).containsExactly("basic_auth");
  }

  @Test
  void anInputThatHoldsASecretOrALongPartOfOneIsASecretToo() throws Exception {
    var inputs =
        RunRequests.resolve(
            job(),
            Map.of(
                "data_id",
                "the key is Hunter2Hunter2Secret",
                "level",
                "Hunter2Hu",
                "optional",
                "Hunter2"),
            Map.of("authorization", "Hunter2Hunter2Secret"));

    // a part of 8 characters or more is masked, so is kept secret; a shorter one is not
    assertThat(inputs.secrets()).containsExactlyInAnyOrder("basic_auth", "data_id", "level");
    assertThat(inputs.values()).containsEntry("data_id", "the key is Hunter2Hunter2Secret");
  }

  @Test
  void namesEveryMissingInputAtOnce() {
    assertThatThrownBy(() -> RunRequests.resolve(job(), Map.of(), Map.of()))
        .isInstanceOfSatisfying(
            io.flowbus.cluster.ProblemException.class,
            e -> {
              assertThat(e.problem().getInteger("status")).isEqualTo(400);
              assertThat(e.problem().getJsonArray("missing_inputs"))
                  .containsExactly("data_id", "basic_auth");
              assertThat(e.getMessage())
                  .contains("data_id")
                  .contains("basic_auth (header Authorization)");
            });
  }

  @Test
  void refusesUnknownAndMisplacedInputs() {
    assertThatThrownBy(
            () ->
                RunRequests.resolve(
                    job(),
                    Map.of("data_id", "1", "dataid", "2", "basic_auth", "x"),
                    Map.of("authorization", "y")))
        .isInstanceOfSatisfying(
            io.flowbus.cluster.ProblemException.class,
            e -> {
              assertThat(e.problem().getJsonArray("unknown_inputs")).containsExactly("dataid");
              assertThat(e.getMessage())
                  .contains("basic_auth (read from the Authorization header)");
            });
  }
}
