package io.flowbus.testing;

import io.flowbus.Node;
import io.flowbus.config.NodeConfig;
import io.flowbus.config.Role;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;

/** Several nodes in this JVM forming one cluster, sharing one data directory. */
public final class TestCluster implements AutoCloseable {
  private final String name = TestNodes.uniqueClusterName();
  private final Path definitions;
  private final Path dataDir;
  private final List<Node> nodes = new ArrayList<>();

  public TestCluster(Path definitions, Path dataDir) {
    this.definitions = definitions;
    this.dataDir = dataDir;
  }

  public Node start(Set<Role> roles, int slots) {
    NodeConfig config = TestNodes.config(definitions, dataDir, name, roles, slots, null);
    Node node = TestNodes.start(config);
    nodes.add(node);
    return node;
  }

  public List<Node> nodes() {
    return nodes;
  }

  /** Waits until {@code via} sees {@code count} nodes and every worker accepts tasks. */
  public void awaitFormed(Node via, int count) {
    Http http = TestNodes.http(via);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              JsonObject cluster = http.get("/api/cluster").json();
              var all = cluster.getJsonArray("nodes");
              return all.size() == count
                  && all.stream()
                      .map(n -> (JsonObject) n)
                      .filter(n -> n.getJsonArray("roles").contains("worker"))
                      .allMatch(n -> n.getBoolean("accepting"));
            });
  }

  public void stop(Node node) {
    nodes.remove(node);
    node.stopAndWait();
  }

  @Override
  public void close() {
    for (Node node : List.copyOf(nodes)) {
      node.stopAndWait();
    }
    nodes.clear();
  }
}
