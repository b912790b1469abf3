package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarCluster;
import io.flowbus.testing.JarNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schedule due every minute over three nodes: the orchestrator is killed (kill -9) shortly before
 * two due minutes in a row, then the whole cluster is killed right after a fire and started again.
 * Each due time starts exactly one run: none is missing, none is doubled.
 */
class ScheduleFailoverIT {
  private static final Path JOBS =
      Path.of("src/test/resources/it/schedule_failover.yaml").toAbsolutePath();
  private static final Duration BEFORE_DUE = Duration.ofSeconds(3);

  @TempDir Path work;

  @Test
  void eachDueTimeStartsOneRunAcrossKillsOfTheOrchestratorAndAFullRestart() throws Exception {
    try (JarCluster cluster = new JarCluster(work, JOBS)) {
      List<JarNode> nodes =
          new ArrayList<>(
              cluster.start("controller,worker", "controller,worker", "controller,worker"));
      cluster.awaitFormed(nodes.get(0), 3);

      Instant first =
          killLeaderShortlyBefore(cluster, nodes, nextMinuteAtLeast(Duration.ofSeconds(12)));
      awaitRunFor(nodes.get(0).http(), first);
      Instant second = killLeaderShortlyBefore(cluster, nodes, first.plus(1, ChronoUnit.MINUTES));
      awaitRunFor(nodes.get(0).http(), second);

      // the whole cluster dies right after a fire, and comes back
      nodes.get(0).kill();
      JarNode again = cluster.startOne("controller,worker");
      Http http = again.http();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> http.get("/api/schedules/every-minute").status() == 200);
      Instant third = second.plus(1, ChronoUnit.MINUTES);
      awaitRunFor(http, third);

      Map<Instant, Integer> runs = runsByDueTime(http);
      System.out.printf("FIGURE schedule runs by due time: %s%n", runs);
      assertThat(runs).containsKeys(first, second, third);
      assertThat(runs.values()).as("one run per due time").allMatch(n -> n == 1);
      List<Instant> due = new ArrayList<>(runs.keySet());
      for (int i = 1; i < due.size(); i++) {
        assertThat(due.get(i))
            .as("no due time missing")
            .isEqualTo(due.get(i - 1).plus(1, ChronoUnit.MINUTES));
      }
      assertThat(http.get("/api/schedules/every-minute").json().getString("last_run")).isNotNull();
    }
  }

  /** Kills the orchestrator {@link #BEFORE_DUE} before {@code due}, and answers {@code due}. */
  private static Instant killLeaderShortlyBefore(
      JarCluster cluster, List<JarNode> nodes, Instant due) {
    JarNode any = nodes.get(0);
    String leader = any.http().get("/api/cluster").json().getString("leader");
    JarNode orchestrator =
        nodes.stream().filter(n -> cluster.nodeIdOf(n).equals(leader)).findFirst().orElseThrow();
    Instant killAt = due.minus(BEFORE_DUE);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !Instant.now().isBefore(killAt));
    orchestrator.kill();
    nodes.remove(orchestrator);
    return due;
  }

  /** The next whole minute that is at least {@code ahead} away. */
  private static Instant nextMinuteAtLeast(Duration ahead) {
    return Instant.now().plus(ahead).truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
  }

  private static void awaitRunFor(Http http, Instant due) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(() -> runsByDueTime(http).containsKey(due));
  }

  /** How many runs the schedule started for each due time, by due time. */
  private static Map<Instant, Integer> runsByDueTime(Http http) {
    Map<Instant, Integer> byDue = new TreeMap<>();
    for (Object item : http.get("/api/runs?limit=500").json().getJsonArray("items")) {
      JsonObject trigger = ((JsonObject) item).getJsonObject("trigger");
      if (trigger != null && trigger.getString("due_at") != null) {
        byDue.merge(Instant.parse(trigger.getString("due_at")), 1, Integer::sum);
      }
    }
    return byDue;
  }
}
