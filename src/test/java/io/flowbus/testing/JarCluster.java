package io.flowbus.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Several {@code java -jar flowbus.jar} processes on loopback, one cluster, one data directory. */
public final class JarCluster implements AutoCloseable {
  private final Path work;
  private final Path definitions;
  private final String name = TestNodes.uniqueClusterName();
  private final List<JarNode> nodes = new ArrayList<>();
  private final Map<String, String> env;

  public JarCluster(Path work, Path definitions) {
    this(work, definitions, Map.of());
  }

  /** A cluster whose nodes all get {@code env} added to their environment. */
  public JarCluster(Path work, Path definitions, Map<String, String> env) {
    this.work = work;
    this.definitions = definitions;
    this.env = Map.copyOf(env);
  }

  /** Starts nodes with these roles at once and waits until each is ready. */
  public List<JarNode> start(String... roles) {
    List<JarNode> started = new ArrayList<>();
    for (String role : roles) {
      started.add(JarNode.start(work, TestNodes.freePort(), args(role), env));
    }
    nodes.addAll(started); // closed with the cluster even if one of them never gets ready
    CompletableFuture.allOf(
            started.stream()
                .map(n -> CompletableFuture.runAsync(n::awaitReady))
                .toArray(CompletableFuture[]::new))
        .join();
    return started;
  }

  /**
   * Starts a node that only orchestrates (the oldest, so the leader), then nodes of {@code roles},
   * and waits until the cluster has them all; returns them, the leader first. Killing the leader
   * then loses no task in flight.
   */
  public List<JarNode> startLedByAController(String... roles) {
    List<JarNode> all = new ArrayList<>();
    all.add(startOne("controller"));
    all.addAll(start(roles));
    awaitFormed(all.get(0), all.size());
    return all;
  }

  /** Starts one node after the others, so that it is younger than them. */
  public JarNode startOne(String role) {
    JarNode node = JarNode.start(work, TestNodes.freePort(), args(role), env);
    nodes.add(node);
    return node.awaitReady();
  }

  private List<String> args(String roles) {
    return List.of(
        "--config",
        definitions.toString(),
        "--data-dir",
        work.resolve("data").toString(),
        "--cluster-name",
        name,
        "--roles",
        roles,
        "--slots",
        "2",
        "--drain-timeout",
        "20s");
  }

  /** Waits until {@code via} sees {@code count} nodes, every worker among them accepting tasks. */
  public void awaitFormed(JarNode via, int count) {
    Http http = via.http();
    try {
      awaitFormed(http, count);
    } catch (ConditionTimeoutException e) {
      String last;
      try {
        last = http.get("/api/cluster").body();
      } catch (RuntimeException ignored) {
        last = "none";
      }
      throw new AssertionError("cluster not formed; last answer: " + last + logs(4000), e);
    }
  }

  /**
   * Up to 90 s: nodes started at the same moment may first form two clusters, which Hazelcast
   * merges 30 s after start, or 30 s later if that first try misses.
   */
  private static void awaitFormed(Http http, int count) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(
            () -> {
              var all = http.get("/api/cluster").json().getJsonArray("nodes");
              return all.size() == count
                  && all.stream()
                      .map(n -> (io.vertx.core.json.JsonObject) n)
                      .filter(n -> n.getJsonArray("roles").contains("worker"))
                      .allMatch(n -> n.getBoolean("accepting"));
            });
  }

  /** Waits up to 60 s until {@code via} names the node {@code leaderId} as the cluster's leader. */
  public void awaitLeader(Http via, String leaderId) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> leaderId.equals(via.get("/api/cluster").json().getString("leader")));
  }

  public String nodeIdOf(JarNode node) {
    return node.http().get("/health").json().getString("node");
  }

  /** What a check of the cluster does; it may throw. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /**
   * Runs {@code check}; if it fails (an assertion, a wait, a request), the failure says what every
   * node printed (the last 20,000 characters of each), which the nodes' temporary folders take with
   * them.
   */
  public void explainingFailures(Check check) throws Exception {
    try {
      check.run();
    } catch (Exception | AssertionError e) {
      throw new AssertionError(e + logs(20_000), e);
    }
  }

  /** What every node printed, the last {@code tail} characters of each. */
  public String logs(int tail) {
    StringBuilder logs = new StringBuilder();
    for (JarNode node : nodes) {
      String out = node.output();
      logs.append("\n--- node ")
          .append(node.port())
          .append(" ---\n")
          .append(out.substring(Math.max(0, out.length() - tail)));
    }
    return logs.toString();
  }

  public Path data() {
    return work.resolve("data");
  }

  @Override
  public void close() {
    nodes.forEach(JarNode::close);
  }
}
