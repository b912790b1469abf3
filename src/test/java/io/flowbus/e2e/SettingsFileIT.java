package io.flowbus.e2e;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.Runs;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node started with only --settings takes its port, data directory and log format from it. */
class SettingsFileIT {
  @TempDir Path work;

  @Test
  void aNodeRunsOnTheSettingsOfItsFile() throws Exception {
    int port = TestNodes.freePort();
    Path data = work.resolve("data-from-file");
    Path settings = work.resolve("flowbus.yaml");
    Files.writeString(
        settings,
        String.join(
            "\n",
            "port: " + port,
            "data-dir: " + JarNode.pathOf(data),
            "config: " + JarNode.pathOf(Path.of("src/test/resources/it/test_jobs.yaml")),
            "cluster-name: " + TestNodes.uniqueClusterName(),
            "roles: [controller, worker]",
            "log-format: json",
            ""));

    try (JarNode node =
        JarNode.startWithPortElsewhere(
                work, port, List.of("--settings", settings.toString()), Map.of())
            .awaitReady()) {
      Http http = node.http();
      String id = Runs.create(http, "/api/jobs/single/runs");
      assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");

      assertThat(data.resolve("meta").resolve(id).resolve("journal.jsonl")).isNotEmptyFile();
      assertThat(node.output().lines().filter(l -> !l.isBlank()))
          .isNotEmpty()
          .allSatisfy(l -> assertThat(new JsonObject(l).getString("level")).isNotNull());
    }
  }
}
