package io.flowbus.e2e;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.NetworkNamespaces;
import io.flowbus.testing.Runs;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hosts, each a network namespace with an address of its own, like containers on a compose
 * network: discovery by member list and the event bus must work across "hosts", not over loopback.
 */
class NetnsClusterIT {
  @TempDir Path work;

  @Test
  void nodesOnThreeHostsFormOneEngineAndShareAFanOut() throws Exception {
    Assumptions.assumeTrue(
        NetworkNamespaces.available(), "needs root and iproute2 for network namespaces");
    List<JarNode> nodes = new ArrayList<>();
    try (NetworkNamespaces hosts = new NetworkNamespaces().up()) {
      String members = String.join(",", hosts.address(1), hosts.address(2), hosts.address(3));
      String cluster = TestNodes.uniqueClusterName();
      for (int n = 1; n <= 3; n++) {
        hosts.addHost(n, Map.of());
        List<String> args =
            List.of(
                "--config",
                Path.of("src/test/resources/it/cluster_jobs.yaml").toAbsolutePath().toString(),
                "--data-dir",
                work.resolve("shared-volume").toString(),
                "--cluster-name",
                cluster,
                "--cluster-members",
                members,
                "--cluster-host",
                hosts.address(n),
                "--roles",
                n == 3 ? "worker" : "controller,worker",
                "--slots",
                "2");
        nodes.add(JarNode.start(work, hosts.exec(n), hosts.address(n), 8080, args, Map.of()));
      }
      CompletableFuture.allOf(
              nodes.stream()
                  .map(n -> CompletableFuture.runAsync(n::awaitReady))
                  .toArray(CompletableFuture[]::new))
          .join();
      Http http = nodes.get(0).http();
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () ->
                  http.get("/api/cluster").json().getJsonArray("nodes").stream()
                          .filter(n -> ((JsonObject) n).getBoolean("accepting"))
                          .count()
                      == 3);

      JsonObject view = http.get("/api/cluster").json();
      Set<String> addresses =
          view.getJsonArray("nodes").stream()
              .map(n -> ((JsonObject) n).getString("address").split(":")[0])
              .collect(Collectors.toSet());
      assertThat(addresses)
          .containsExactlyInAnyOrder(hosts.address(1), hosts.address(2), hosts.address(3));

      String id = Runs.create(http, "/api/jobs/fanout/runs?count=30&seconds=0.3");
      Http second = nodes.get(1).http();
      assertThatRun(awaitEnded(second, id)).hasState("SUCCEEDED");
      Set<String> ranOn =
          Runs.tasks(second, id, "stage=0").stream()
              .map(t -> t.getString("node"))
              .collect(Collectors.toSet());
      assertThat(ranOn).hasSize(3);
    } finally {
      nodes.forEach(JarNode::close);
    }
  }
}
