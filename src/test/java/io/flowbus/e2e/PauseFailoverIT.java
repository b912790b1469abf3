package io.flowbus.e2e;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static io.flowbus.testing.Runs.awaitRun;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarCluster;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.JournalEvents;
import io.flowbus.testing.Runs;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three JVMs: a paused fan-out stays paused when its orchestrator is killed (kill -9) and another
 * node takes over; resumed there, it finishes, each instance having run once. The orchestrator runs
 * no task itself, so that its death loses none in flight.
 */
class PauseFailoverIT {
  private static final Path JOBS =
      Path.of("src/test/resources/it/operate_jobs.yaml").toAbsolutePath();
  private static final int COUNT = 12;

  @TempDir Path work;

  @Test
  void aPausedRunStaysPausedOnTheNextOrchestratorAndFinishesOnceResumed() throws Exception {
    try (JarCluster cluster = new JarCluster(work, JOBS)) {
      cluster.explainingFailures(() -> pausedRunSurvivesTheKill(cluster));
    }
  }

  private void pausedRunSurvivesTheKill(JarCluster cluster) throws Exception {
    List<JarNode> nodes = cluster.startLedByAController("controller,worker", "worker");
    JarNode leader = nodes.get(0);
    JarNode next = nodes.get(1);
    String nextId = cluster.nodeIdOf(next);
    Http http = next.http();
    String id = Runs.create(http, "/api/jobs/slowfan/runs?count=" + COUNT + "&seconds=2");
    awaitRun(http, id, "running instances", run -> running(http, id) > 0);

    Http.Response early = http.post("/api/runs/" + id + "/resume");
    assertThat(early.status()).isEqualTo(409);
    assertThat(early.json().getString("detail")).contains("is RUNNING");
    Http.Response paused = http.post("/api/runs/" + id + "/pause");
    assertThat(paused.status()).as(paused.body()).isEqualTo(200);
    assertThat(paused.json().getString("state")).isEqualTo("PAUSED");
    Http.Response twice = http.post("/api/runs/" + id + "/pause");
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.json().getString("detail")).contains("is PAUSED");
    assertThat(http.post("/api/runs/" + id + "/retry").json().getString("detail"))
        .contains("is PAUSED");
    assertThat(http.post("/api/runs/no-such-run/pause").status()).isEqualTo(404);

    leader.kill();
    cluster.awaitLeader(http, nextId);
    // what ran at the pause finishes on the workers and its results reach the new orchestrator
    JsonObject settled =
        awaitRun(
            http,
            id,
            "paused with nothing running",
            run -> "PAUSED".equals(run.getString("state")) && running(http, id) == 0);
    int pending =
        settled
            .getJsonArray("stages")
            .getJsonObject(0)
            .getJsonObject("tasks")
            .getInteger("pending");
    assertThat(pending).as("tasks held by the pause").isPositive();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> http.get("/api/cluster").json().getLong("tasks_queued") == pending);
    Map<String, Long> atPause = executions(cluster, id);
    // the queue holds them, every worker slot is free: a dispatcher that ignored the pause
    // would have given them out by now; one more request through the orchestrator's context
    assertThat(http.post("/api/runs/" + id + "/pause").status()).isEqualTo(409);
    assertThat(http.get("/api/cluster").json().getLong("tasks_running")).isZero();
    assertThat(executions(cluster, id)).as("nothing started while paused").isEqualTo(atPause);
    assertThat(atPause.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(COUNT - pending);
    System.out.printf(
        "FIGURE paused fan-out: %d of %d instances held across the orchestrator's kill -9%n",
        pending, COUNT);

    Http.Response resumed = http.post("/api/runs/" + id + "/resume");
    assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
    assertThat(resumed.json().getString("state")).isIn("RUNNING", "SUCCEEDED");

    assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");
    Map<String, Long> counts = executions(cluster, id);
    assertThat(counts).hasSize(COUNT);
    for (JsonObject task : Runs.tasks(http, id, "stage=0")) {
      if (!"task".equals(task.getString("kind"))) {
        continue;
      }
      String index = String.valueOf(task.getInteger("index"));
      int attempts = task.getJsonArray("history").size();
      assertThat(counts.get(index))
          .as("task %s ran as often as it was attempted", task.getString("id"))
          .isEqualTo((long) attempts);
      assertThat(attempts).as("no attempt of %s was lost", task.getString("id")).isEqualTo(1);
    }
    assertThat(JournalEvents.of(cluster.data(), id))
        .extracting(e -> e.getString("type"))
        .contains("paused", "resumed");
  }

  private static int running(Http http, String id) {
    return Runs.tasks(http, id, "stage=0&state=RUNNING").size();
  }

  /** How often each instance (by index) started, as the instances appended it. */
  static Map<String, Long> executions(JarCluster cluster, String id) throws Exception {
    Path file = cluster.data().resolve("runs").resolve(id).resolve("executions.txt");
    if (!Files.exists(file)) {
      return Map.of();
    }
    return Files.readAllLines(file).stream()
        .filter(l -> !l.isBlank())
        .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
  }
}
