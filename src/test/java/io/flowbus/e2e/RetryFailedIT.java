package io.flowbus.e2e;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarCluster;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.Runs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs: a fan-out fails, its cause is fixed, and a retry runs again, in the same run and
 * workspace, only what did not succeed, with the definitions the run was created with.
 */
class RetryFailedIT {
  private static final Path JOBS =
      Path.of("src/test/resources/it/operate_jobs.yaml").toAbsolutePath();
  private static final int COUNT = 9;

  @TempDir Path work;

  @Test
  void aRetryRunsOnlyWhatDidNotSucceedAndTheRunSucceeds() throws Exception {
    try (JarCluster cluster = new JarCluster(work, JOBS)) {
      List<JarNode> nodes = cluster.start("controller,worker", "worker");
      cluster.awaitFormed(nodes.get(0), 2);
      Http http = nodes.get(0).http();
      String id = Runs.create(http, "/api/jobs/fragile/runs?count=" + COUNT);
      JsonObject failed = awaitEnded(http, id);
      assertThatRun(failed).hasState("FAILED");
      Set<String> succeededBefore = tasksIn(http, id, "SUCCEEDED");
      Set<String> notSucceeded = tasksIn(http, id, "FAILED");
      notSucceeded.addAll(tasksIn(http, id, "CANCELLED"));
      assertThat(succeededBefore).isNotEmpty();
      assertThat(notSucceeded).isNotEmpty();
      JsonObject report = Runs.task(http, id, "s1-t0");
      assertThat(report.getString("state"))
          .as("the stage after the failed one")
          .isEqualTo("SKIPPED");
      assertThat(
              failed
                  .getJsonArray("stages")
                  .getJsonObject(1)
                  .getJsonObject("tasks")
                  .getInteger("skipped"))
          .isEqualTo(1);
      Map<String, Long> before = PauseFailoverIT.executions(cluster, id);

      // the definitions change after the run was created: its retry keeps its own
      String replaced =
          Files.readString(JOBS)
              .replace(
                  "echo \"$1\" >> executions.txt; case", "echo \"v2 $1\" >> executions.txt; case")
              .replace("echo report >> executions.txt", "echo report-v2 >> executions.txt");
      assertThat(http.put("/api/definitions", replaced, "application/yaml").status())
          .isEqualTo(200);
      Files.createFile(cluster.data().resolve("runs").resolve(id).resolve("fixed"));
      assertThat(http.post("/api/runs/" + id + "/pause").json().getString("detail"))
          .contains("is FAILED");

      Http.Response retried = http.post("/api/runs/" + id + "/retry");
      assertThat(retried.status()).as(retried.body()).isEqualTo(200);
      assertThat(retried.json().getString("state")).isIn("RUNNING", "SUCCEEDED");
      assertThat(retried.json().getInteger("retried")).isEqualTo(1);

      JsonObject run = awaitEnded(http, id);
      assertThatRun(run).hasState("SUCCEEDED");
      assertThat(run.getInteger("retried")).isEqualTo(1);
      Map<String, Long> after = PauseFailoverIT.executions(cluster, id);
      assertThat(after.keySet()).noneMatch(line -> line.contains("v2"));
      assertThat(after.get("report")).as("the stage that never ran ran once").isEqualTo(1L);
      assertReportRanAfterTheFan(http, id);
      for (String task : succeededBefore) {
        String index = task.substring(task.indexOf("-t") + 2);
        assertThat(after.get(index)).as("%s succeeded before: never again", task).isEqualTo(1L);
        assertThat(Runs.task(http, id, task).getJsonArray("history")).hasSize(1);
      }
      for (String task : notSucceeded) {
        String index = task.substring(task.indexOf("-t") + 2);
        JsonArray history = Runs.task(http, id, task).getJsonArray("history");
        long ranBefore = before.getOrDefault(index, 0L);
        assertThat(after.get(index)).as("%s ran once more", task).isEqualTo(ranBefore + 1);
        assertThat(history.getJsonObject(history.size() - 1).getString("state"))
            .isEqualTo("SUCCEEDED");
        assertThat(history.getJsonObject(history.size() - 1).getInteger("attempt"))
            .as("attempt numbers continue")
            .isEqualTo(history.size());
      }
      Http.Response again = http.post("/api/runs/" + id + "/retry");
      assertThat(again.status()).isEqualTo(409);
      assertThat(again.json().getString("detail")).contains("is SUCCEEDED");
    }
  }

  /**
   * Three JVMs: a retried run is paused at once, and its orchestrator killed (kill -9). The next
   * one takes over with the skipped stage's instance pending again: it must wait for its stage to
   * start, after every retried instance of the stage before it, not be given out with them.
   */
  @Test
  void aRetriedSkippedStageWaitsForTheStageBeforeItAcrossATakeover() throws Exception {
    try (JarCluster cluster = new JarCluster(work, JOBS)) {
      cluster.explainingFailures(() -> retriedAcrossTheKill(cluster));
    }
  }

  private void retriedAcrossTheKill(JarCluster cluster) throws Exception {
    List<JarNode> nodes = cluster.startLedByAController("controller,worker", "worker");
    JarNode leader = nodes.get(0);
    String nextId = cluster.nodeIdOf(nodes.get(1));
    Http http = nodes.get(1).http();
    String id = Runs.create(http, "/api/jobs/fragile/runs?count=" + COUNT);
    assertThatRun(awaitEnded(http, id)).hasState("FAILED");
    Files.createFile(cluster.data().resolve("runs").resolve(id).resolve("fixed"));

    assertThat(http.post("/api/runs/" + id + "/retry").status()).isEqualTo(200);
    Http.Response paused = http.post("/api/runs/" + id + "/pause");
    assertThat(paused.status()).as(paused.body()).isEqualTo(200);
    leader.kill();
    cluster.awaitLeader(http, nextId);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> http.post("/api/runs/" + id + "/resume").status() == 200);

    assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");
    assertReportRanAfterTheFan(http, id);
    assertThat(PauseFailoverIT.executions(cluster, id).get("report")).isEqualTo(1L);
  }

  private static void assertReportRanAfterTheFan(Http http, String id) {
    Instant reportStarted = Instant.parse(Runs.task(http, id, "s1-t0").getString("started_at"));
    for (JsonObject task : Runs.tasks(http, id, "stage=0")) {
      assertThat(Instant.parse(task.getString("ended_at")))
          .as("%s ended before the stage after it started", task.getString("id"))
          .isBeforeOrEqualTo(reportStarted);
    }
  }

  private static Set<String> tasksIn(Http http, String id, String state) {
    return Runs.tasks(http, id, "stage=0&state=" + state).stream()
        .filter(t -> "task".equals(t.getString("kind")))
        .map(t -> t.getString("id"))
        .collect(Collectors.toSet());
  }
}
