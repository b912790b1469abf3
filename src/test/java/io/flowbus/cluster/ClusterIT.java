package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.Node;
import io.flowbus.config.Role;
import io.flowbus.testing.Http;
import io.flowbus.testing.TestCluster;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three Vert.x nodes in one JVM, one cluster, one shared data directory. */
class ClusterIT {
  static final Set<Role> BOTH = Set.of(Role.CONTROLLER, Role.WORKER);
  @TempDir static Path data;
  static TestCluster cluster;
  static Node first;
  static Http http;

  @BeforeAll
  static void start() {
    cluster =
        new TestCluster(Path.of("src/test/resources/it/cluster_jobs.yaml").toAbsolutePath(), data);
    first = cluster.start(BOTH, 2);
    cluster.start(BOTH, 2);
    cluster.start(Set.of(Role.WORKER), 2);
    cluster.awaitFormed(first, 3);
    http = TestNodes.http(first);
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  static JsonObject awaitEnded(Http via, String id) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                Set.of("SUCCEEDED", "FAILED", "CANCELLED")
                    .contains(via.get("/api/runs/" + id).json().getString("state")));
    return via.get("/api/runs/" + id).json();
  }

  @Test
  void everyNodeSeesTheSameClusterAndLeader() {
    Set<String> leaders =
        cluster.nodes().stream()
            .filter(n -> n.config().isController())
            .map(n -> TestNodes.http(n).get("/api/cluster").json())
            .peek(c -> assertThat(c.getJsonArray("nodes")).hasSize(3))
            .map(c -> c.getString("leader"))
            .collect(Collectors.toSet());
    assertThat(leaders).containsExactly(first.nodeId());
    for (Node node : cluster.nodes()) {
      assertThat(TestNodes.http(node).get("/ready").status()).isEqualTo(200);
    }
  }

  @Test
  void aFanOutSpreadsOverEveryWorkerAndAnyControllerAnswersForIt() {
    String id = http.post("/api/jobs/fanout/runs?count=30").json().getString("id");
    Http other = TestNodes.http(cluster.nodes().get(1));

    JsonObject run = awaitEnded(other, id);

    assertThat(run.getString("state")).isEqualTo("SUCCEEDED");
    Map<String, Long> perNode =
        other
            .get("/api/runs/" + id + "/tasks?stage=0&limit=1000")
            .json()
            .getJsonArray("items")
            .stream()
            .map(t -> ((JsonObject) t).getString("node"))
            .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    assertThat(perNode.keySet()).containsAll(cluster.nodes().stream().map(Node::nodeId).toList());
  }

  @Test
  void maxParallelHoldsAcrossTheCluster() {
    JsonObject run =
        awaitEnded(http, http.post("/api/jobs/limited/runs?count=8").json().getString("id"));
    assertThat(run.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(data.resolve("runs").resolve(run.getString("id")).resolve("overlap.txt"))
        .doesNotExist();
  }

  @Test
  void aOneTaskRunIsNotStuckBehindABigOne() {
    String big = http.post("/api/jobs/fanout/runs?count=300&seconds=0.2").json().getString("id");
    await()
        .until(
            () ->
                http.get("/api/runs/" + big)
                        .json()
                        .getJsonArray("stages")
                        .getJsonObject(0)
                        .getJsonObject("tasks")
                        .getInteger("running")
                    > 0);

    String small = http.post("/api/jobs/quick/runs").json().getString("id");
    JsonObject smallRun = awaitEnded(http, small);

    assertThat(smallRun.getString("state")).isEqualTo("SUCCEEDED");
    JsonObject bigRun = http.get("/api/runs/" + big).json();
    assertThat(bigRun.getString("state")).isEqualTo("RUNNING");
    assertThat(
            bigRun
                .getJsonArray("stages")
                .getJsonObject(0)
                .getJsonObject("tasks")
                .getInteger("pending"))
        .isGreaterThan(100);
    http.post("/api/runs/" + big + "/cancel");
    awaitEnded(http, big);
  }

  @Test
  void everySlotIsUsedAndNoWorkerHoldsMoreThanItsSlots() {
    String id = http.post("/api/jobs/fanout/runs?count=24&seconds=1").json().getString("id");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/api/cluster").json().getLong("tasks_running") == 6);
    for (Object n : http.get("/api/cluster").json().getJsonArray("nodes")) {
      JsonObject node = (JsonObject) n;
      assertThat(node.getInteger("running")).isLessThanOrEqualTo(node.getInteger("slots"));
    }
    assertThat(awaitEnded(http, id).getString("state")).isEqualTo("SUCCEEDED");
  }

  @Test
  void aDrainingWorkerFinishesItsTasksAndLeavesWhileTheRunGoesOn() throws Exception {
    Node extra = cluster.start(Set.of(Role.WORKER), 2);
    cluster.awaitFormed(first, 4);
    String id = http.post("/api/jobs/fanout/runs?count=24&seconds=0.5").json().getString("id");
    await().until(() -> runsOn(id, extra.nodeId()));

    cluster.stop(extra);

    JsonObject run = awaitEnded(http, id);
    assertThat(run.getString("state")).isEqualTo("SUCCEEDED");
    try (Stream<Path> out = Files.list(data.resolve("runs").resolve(id).resolve("out"))) {
      assertThat(out.count()).isEqualTo(24);
    }
    assertThat(http.get("/api/cluster").json().getJsonArray("nodes")).hasSize(3);
  }

  @Test
  void aNodeWithAnotherClusterNameStaysApart(@TempDir Path otherData) {
    Node stranger =
        TestNodes.startAlone("src/test/resources/it/cluster_jobs.yaml", otherData, 1, null);
    try {
      JsonObject alone = TestNodes.http(stranger).get("/api/cluster").json();
      assertThat(alone.getJsonArray("nodes")).hasSize(1);
      assertThat(alone.getString("leader")).isEqualTo(stranger.nodeId());
      assertThat(http.get("/api/cluster").json().getJsonArray("nodes")).hasSize(3);
    } finally {
      stranger.stopAndWait();
    }
  }

  private static boolean runsOn(String runId, String nodeId) {
    return http
        .get("/api/runs/" + runId + "/tasks?stage=0&state=RUNNING&limit=1000")
        .json()
        .getJsonArray("items")
        .stream()
        .anyMatch(t -> nodeId.equals(((JsonObject) t).getString("node")));
  }
}
