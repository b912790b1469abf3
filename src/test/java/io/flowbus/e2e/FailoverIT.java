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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three separate JVMs on loopback, as a user starts them, and kill -9 in the middle of a stage. The
 * invariants are db-scheduler's: every entry ran, nothing was lost, no result counted twice.
 */
class FailoverIT {
  private static final Path JOBS =
      Path.of("src/test/resources/it/cluster_jobs.yaml").toAbsolutePath();
  private static final int COUNT = 30;

  @TempDir Path work;

  @Test
  void killingAWorkerOnlyNodeMidStageLosesNothing() throws Exception {
    try (JarCluster cluster = new JarCluster(work, JOBS)) {
      List<JarNode> nodes = cluster.start("controller,worker", "controller,worker", "worker");
      JarNode leader = nodes.get(0);
      JarNode worker = nodes.get(2);
      cluster.awaitFormed(leader, 3);
      String workerId = cluster.nodeIdOf(worker);
      Http http = leader.http();
      String id =
          http.post("/api/jobs/fanout/runs?count=" + COUNT + "&seconds=1").json().getString("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> !running(http, id, workerId).isEmpty());
      Set<String> onVictim = running(http, id, workerId);

      long killedAt = System.nanoTime();
      worker.kill();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> onVictim.stream().allMatch(t -> attempts(http, id, t) >= 2));
      System.out.printf(
          "FIGURE kill -9 of a worker to its %d tasks dispatched elsewhere: %d ms%n",
          onVictim.size(), (System.nanoTime() - killedAt) / 1_000_000);

      assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");
      assertEveryEntryRanAndCountedOnce(cluster, http, id);
      for (String task : onVictim) {
        JsonArray history = Runs.task(http, id, task).getJsonArray("history");
        assertThat(history.getJsonObject(0).getString("state")).isEqualTo("LOST");
        assertThat(history.getJsonObject(0).getString("node")).isEqualTo(workerId);
        assertThat(history.getJsonObject(1).getString("node")).isNotEqualTo(workerId);
      }
      assertThat(http.get("/api/cluster").json().getJsonArray("nodes")).hasSize(2);
    }
  }

  @Test
  void killingTheOrchestratorMidStageLetsAnotherNodeFinishTheRun() throws Exception {
    try (JarCluster cluster = new JarCluster(work, JOBS)) {
      JarNode leader = cluster.startOne("controller,worker");
      List<JarNode> others = cluster.start("controller,worker", "worker");
      JarNode next = others.get(0);
      cluster.awaitFormed(leader, 3);
      String leaderId = cluster.nodeIdOf(leader);
      String nextId = cluster.nodeIdOf(next);
      assertThat(next.http().get("/api/cluster").json().getString("leader")).isEqualTo(leaderId);
      Http http = next.http();
      String id =
          http.post("/api/jobs/fanout/runs?count=" + COUNT + "&seconds=1").json().getString("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> succeeded(http, id).size() >= 6);
      Set<String> doneBefore = succeeded(http, id);
      Set<String> runningElsewhere =
          runningTasks(http, id).stream()
              .filter(t -> !leaderId.equals(t.getString("node")))
              .map(t -> t.getString("id"))
              .collect(Collectors.toSet());

      java.time.Instant killedAt = java.time.Instant.now();
      leader.kill();
      int before = succeeded(http, id).size();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(
              () ->
                  nextId.equals(http.get("/api/cluster").json().getString("leader"))
                      && succeeded(http, id).size() > before);
      JsonObject run = awaitEnded(http, id);
      java.time.Instant progressed =
          Files.readAllLines(cluster.data().resolve("meta").resolve(id).resolve("journal.jsonl"))
              .stream()
              .map(l -> java.time.Instant.parse(event(l).getString("at")))
              .filter(at -> at.isAfter(killedAt))
              .findFirst()
              .orElseThrow();
      System.out.printf(
          "FIGURE kill -9 of the orchestrator to the next journaled change of the run: %d ms%n",
          java.time.Duration.between(killedAt, progressed).toMillis());
      assertThatRun(run).hasState("SUCCEEDED");
      assertEveryEntryRanAndCountedOnce(cluster, http, id);
      for (String task : doneBefore) {
        assertThat(attempts(http, id, task))
            .as("finished task %s is not run again", task)
            .isEqualTo(1);
      }
      for (String task : runningElsewhere) {
        assertThat(attempts(http, id, task))
            .as("task %s running on a live worker is adopted", task)
            .isEqualTo(1);
      }
    }
  }

  @Test
  void sigtermDrainsAWorkerItsTasksFinishAndTheNodeLeaves() throws Exception {
    try (JarCluster cluster = new JarCluster(work, JOBS)) {
      List<JarNode> nodes = cluster.start("controller,worker", "worker");
      JarNode leader = nodes.get(0);
      JarNode worker = nodes.get(1);
      cluster.awaitFormed(leader, 2);
      String workerId = cluster.nodeIdOf(worker);
      Http http = leader.http();
      String id = http.post("/api/jobs/fanout/runs?count=16&seconds=2").json().getString("id");
      await().atMost(Duration.ofSeconds(30)).until(() -> running(http, id, workerId).size() == 2);
      Set<String> draining = running(http, id, workerId);

      worker.terminate();

      assertThat(worker.waitFor(Duration.ofSeconds(60))).as("a clean drain exits 0").isZero();
      assertThat(worker.output()).contains("draining").contains("left the cluster");
      for (String task : draining) {
        JsonObject t = Runs.task(http, id, task);
        assertThat(t.getString("state")).isEqualTo("SUCCEEDED");
        assertThat(t.getInteger("attempts"))
            .as("a drained task finishes where it runs")
            .isEqualTo(1);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> http.get("/api/cluster").json().getJsonArray("nodes").size() == 1);
      assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");
      assertThat(running(http, id, workerId)).isEmpty();
    }
  }

  private static void assertEveryEntryRanAndCountedOnce(JarCluster cluster, Http http, String id)
      throws Exception {
    try (Stream<Path> out = Files.list(cluster.data().resolve("runs").resolve(id).resolve("out"))) {
      assertThat(out.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
          .hasSize(COUNT);
    }
    assertThatRun(http.get("/api/runs/" + id).json())
        .stage(0)
        .hasCounts(Map.of("succeeded", COUNT));
    for (JsonObject task : Runs.tasks(http, id, "stage=0")) {
      long succeededAttempts =
          task.getJsonArray("history").stream()
              .filter(a -> "SUCCEEDED".equals(((JsonObject) a).getString("state")))
              .count();
      assertThat(succeededAttempts).as("task %s", task.getString("id")).isEqualTo(1);
    }
  }

  private static List<JsonObject> runningTasks(Http http, String id) {
    return Runs.tasks(http, id, "stage=0&state=RUNNING").stream()
        .filter(t -> t.getString("kind").equals("task"))
        .toList();
  }

  private static Set<String> running(Http http, String id, String nodeId) {
    return runningTasks(http, id).stream()
        .filter(t -> nodeId.equals(t.getString("node")))
        .map(t -> t.getString("id"))
        .collect(Collectors.toSet());
  }

  private static Set<String> succeeded(Http http, String id) {
    return Runs.tasks(http, id, "stage=0&state=SUCCEEDED").stream()
        .filter(t -> t.getString("kind").equals("task"))
        .map(t -> t.getString("id"))
        .collect(Collectors.toSet());
  }

  private static int attempts(Http http, String id, String task) {
    return Runs.task(http, id, task).getInteger("attempts");
  }

  /** The event of one journal line. */
  private static JsonObject event(String line) {
    try {
      return new JsonObject(io.flowbus.storage.JournalLine.decode(line));
    } catch (io.flowbus.storage.JournalLine.CorruptLineException e) {
      throw new AssertionError("a damaged journal line: " + line, e);
    }
  }
}
