package io.flowbus.e2e;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.Runs;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With FLOWBUS_LOG_FORMAT=json every log line is a JSON object, run and task ids as fields. */
class JsonLogsIT {
  @TempDir Path work;

  @Test
  void logLinesAreJsonWithRunAndTaskIds() {
    List<String> args =
        List.of(
            "--config", Path.of("src/test/resources/it/test_jobs.yaml").toAbsolutePath().toString(),
            "--data-dir", work.resolve("data").toString(),
            "--cluster-name", TestNodes.uniqueClusterName());
    try (JarNode node =
        JarNode.start(work, TestNodes.freePort(), args, Map.of("FLOWBUS_LOG_FORMAT", "json"))
            .awaitReady()) {
      Http http = node.http();
      String id = Runs.create(http, "/api/jobs/single/runs");
      assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");
      await().atMost(Duration.ofSeconds(10)).until(() -> node.output().contains("SUCCEEDED"));

      List<JsonObject> lines =
          node.output().lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();

      assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.getString("level")).isNotNull());
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.getString("run_id")).isEqualTo(id);
                assertThat(l.getString("task_id")).isEqualTo("s0-t0");
                assertThat(l.getString("formattedMessage")).contains("SUCCEEDED");
              });
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.getString("formattedMessage"))
                    .contains("run " + id + " of job single: SUCCEEDED");
                assertThat(l.getString("job")).isEqualTo("single");
              });
    }
  }
}
