package io.flowbus.testing;

import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.FlowbusAssertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Assertions on the REST shape of a run check only what they name and print the whole answer. */
class RunJsonAssertTest {
  private static final JsonObject RUN =
      new JsonObject()
          .put("id", "r1")
          .put("state", "FAILED")
          .put("error", "stage 0 'fan' failed: spawn.json is malformed")
          .put("inputs", new JsonObject().put("token", "***"))
          .put(
              "stages",
              new JsonArray()
                  .add(
                      new JsonObject()
                          .put("index", 0)
                          .put("state", "FAILED")
                          .put("spawn", new JsonObject().put("state", "FAILED").put("error", "x"))
                          .put("tasks", new JsonObject().put("total", 3).put("succeeded", 2))));

  @Test
  void whatItNamesIsChecked() {
    assertThatRun(RUN)
        .hasState("FAILED")
        .hasStateIn("SUCCEEDED", "FAILED")
        .hasErrorContaining("stage 0", "malformed")
        .hasInput("token", "***")
        .stage(0)
        .hasState("FAILED")
        .hasSpawnState("FAILED")
        .hasSpawnErrorContaining("x")
        .hasCounts(Map.of("succeeded", 2))
        .and()
        .hasState("FAILED");
  }

  @Test
  void aFailurePrintsTheRun() {
    assertThatThrownBy(() -> assertThatRun(RUN).hasState("SUCCEEDED"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected run r1 to have state SUCCEEDED but it was FAILED")
        .hasMessageContaining("\"error\" : \"stage 0 'fan' failed: spawn.json is malformed\"");
  }

  @Test
  void aStageFailureNamesTheStageAndItsCounts() {
    assertThatThrownBy(() -> assertThatRun(RUN).stage(0).hasCounts(Map.of("total", 4)))
        .hasMessageContaining(
            "to have stage 0 with 4 total tasks but the counts were {\"total\":3,\"succeeded\":2}")
        .hasMessageContaining("\"id\" : \"r1\"");
    assertThatThrownBy(() -> assertThatRun(RUN).stage(1))
        .hasMessageContaining("to have a stage 1 but it has 1");
  }
}
