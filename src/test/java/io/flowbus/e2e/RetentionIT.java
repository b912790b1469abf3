package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarCluster;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.Runs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started with a short retention deletes a finished run from the API and the disk, and keeps
 * a run that is still going however long ago it started.
 */
class RetentionIT {
  private static final Path JOBS = Path.of("src/test/resources/it/test_jobs.yaml").toAbsolutePath();

  @TempDir Path work;

  @Test
  void aFinishedRunGoesFromTheApiAndTheDiskWhileARunningOneStays() {
    try (JarCluster cluster = new JarCluster(work, JOBS, Map.of("FLOWBUS_RETENTION", "10s"))) {
      JarNode node = cluster.startOne("controller,worker");
      Http http = node.http();
      String running = Runs.create(http, "/api/jobs/slow/runs?seconds=300");
      Runs.awaitRun(http, running, "running", r -> r.getString("state").equals("RUNNING"));
      String finished = Runs.create(http, "/api/jobs/single/runs");
      assertThat(Runs.awaitEnded(http, finished).getString("state")).isEqualTo("SUCCEEDED");
      Path workspace = work.resolve("data/runs").resolve(finished);
      Path meta = work.resolve("data/meta").resolve(finished);
      assertThat(workspace).isDirectory();
      assertThat(meta.resolve("journal.jsonl")).exists();

      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> http.get("/api/runs/" + finished).status() == 404);

      assertThat(Files.exists(workspace)).as("workspace of the deleted run").isFalse();
      assertThat(Files.exists(meta)).as("journal and logs of the deleted run").isFalse();
      assertThat(http.get("/api/runs?limit=100").body()).doesNotContain(finished);
      assertThat(http.get("/api/runs/" + running).json().getString("state")).isEqualTo("RUNNING");
      assertThat(work.resolve("data/meta").resolve(running).resolve("journal.jsonl")).exists();
      assertThat(node.output()).contains("retention: deleted 1 runs");
      assertThat(http.post("/api/runs/" + running + "/cancel").status()).isEqualTo(200);
    }
  }
}
