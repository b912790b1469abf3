package io.flowbus.cluster;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static org.awaitility.Awaitility.await;

import io.flowbus.Node;
import io.flowbus.config.Role;
import io.flowbus.testing.Http;
import io.flowbus.testing.Runs;
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

  @Test
  void everyNodeSeesTheSameClusterAndLeader() {
    // each controller's view, which may lag the first one's (waited for at start) for a moment
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Set<String> leaders =
                  cluster.nodes().stream()
                      .filter(n -> n.config().isController())
                      .map(n -> TestNodes.http(n).get("/api/cluster").json())
                      .peek(c -> assertThat(c.getJsonArray("nodes")).hasSize(3))
                      .map(c -> c.getString("leader"))
                      .collect(Collectors.toSet());
              assertThat(leaders).containsExactly(first.nodeId());
            });
    for (Node node : cluster.nodes()) {
      assertThat(TestNodes.http(node).get("/ready").status()).isEqualTo(200);
    }
  }

  @Test
  void aFanOutSpreadsOverEveryWorkerAndAnyControllerAnswersForIt() {
    String id = http.post("/api/jobs/fanout/runs?count=30").json().getString("id");
    Http other = TestNodes.http(cluster.nodes().get(1));

    assertThatRun(awaitEnded(other, id)).hasState("SUCCEEDED");
    Map<String, Long> perNode =
        Runs.tasks(other, id, "stage=0").stream()
            .map(t -> t.getString("node"))
            .collect(Collectors.groupingBy(n -> n, Collectors.counting()));
    assertThat(perNode.keySet()).containsAll(cluster.nodes().stream().map(Node::nodeId).toList());
  }

  @Test
  void maxParallelHoldsAcrossTheCluster() {
    JsonObject run =
        awaitEnded(http, http.post("/api/jobs/limited/runs?count=8").json().getString("id"));
    assertThatRun(run).hasState("SUCCEEDED");
    assertThat(data.resolve("runs").resolve(run.getString("id")).resolve("overlap.txt"))
        .doesNotExist();
  }

  @Test
  void aOneTaskRunIsNotStuckBehindABigOne() {
    String big = Runs.create(http, "/api/jobs/fanout/runs?count=300&seconds=0.2");
    Runs.awaitRun(http, big, "running a task", ClusterIT::runsATask);

    String small = Runs.create(http, "/api/jobs/quick/runs");
    JsonObject smallRun = awaitEnded(http, small);

    assertThatRun(smallRun).hasState("SUCCEEDED");
    JsonObject bigRun = http.get("/api/runs/" + big).json();
    assertThatRun(bigRun).hasState("RUNNING");
    assertThat(stageTasks(bigRun).getInteger("pending")).as(bigRun.encode()).isGreaterThan(100);
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
    assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");
  }

  @Test
  void aDrainingWorkerFinishesItsTasksAndLeavesWhileTheRunGoesOn() throws Exception {
    Node extra = cluster.start(Set.of(Role.WORKER), 2);
    cluster.awaitFormed(first, 4);
    String id = http.post("/api/jobs/fanout/runs?count=24&seconds=0.5").json().getString("id");
    await().until(() -> runsOn(id, extra.nodeId()));

    cluster.stop(extra);

    assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED");
    try (Stream<Path> out = Files.list(data.resolve("runs").resolve(id).resolve("out"))) {
      assertThat(out.count()).isEqualTo(24);
    }
    // the cluster sees the drained node leave a moment after it stopped
    await().until(() -> http.get("/api/cluster").json().getJsonArray("nodes").size() == 3);
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
    return Runs.tasks(http, runId, "stage=0&state=RUNNING").stream()
        .anyMatch(t -> nodeId.equals(t.getString("node")));
  }

  private static boolean runsATask(JsonObject run) {
    return stageTasks(run).getInteger("running") > 0;
  }

  private static JsonObject stageTasks(JsonObject run) {
    return run.getJsonArray("stages").getJsonObject(0).getJsonObject("tasks");
  }
}
