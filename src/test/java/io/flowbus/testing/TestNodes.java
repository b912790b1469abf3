package io.flowbus.testing;

import io.flowbus.Node;
import io.flowbus.config.ApiKeys;
import io.flowbus.config.NodeConfig;
import io.flowbus.config.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Nodes in this JVM for tests: a cluster of their own, free ports, a data directory given. */
public final class TestNodes {
  private TestNodes() {}

  public static String uniqueClusterName() {
    return "test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Settings for a test node; {@code apiKey} (every right) may be null. */
  public static NodeConfig config(
      Path definitions,
      Path dataDir,
      String clusterName,
      Set<Role> roles,
      int slots,
      String apiKey) {
    return config(definitions, dataDir, clusterName, roles, slots, ApiKeys.admin(apiKey), false);
  }

  /** Settings for a test node with {@code keys}, and {@code /metrics} open or not. */
  public static NodeConfig config(
      Path definitions,
      Path dataDir,
      String clusterName,
      Set<Role> roles,
      int slots,
      ApiKeys keys,
      boolean metricsPublic) {
    return new NodeConfig(
        definitions,
        roles,
        freePort(),
        dataDir,
        slots,
        clusterName,
        List.of(),
        null,
        null,
        null,
        5701,
        0,
        null,
        keys,
        Path.of("example/bin").toAbsolutePath(),
        false,
        Duration.ofSeconds(10),
        64 * 1024,
        1024 * 1024,
        64 * 1024,
        false,
        null,
        null,
        metricsPublic,
        null,
        null);
  }

  /** A node with both roles, alone in a cluster of its own. */
  public static Node startAlone(String definitions, Path dataDir, int slots, String apiKey) {
    return start(
        config(
            Path.of(definitions).toAbsolutePath(),
            dataDir,
            uniqueClusterName(),
            Set.of(Role.CONTROLLER, Role.WORKER),
            slots,
            apiKey));
  }

  public static Node start(NodeConfig config) {
    try {
      return new Node(config)
          .start()
          .toCompletionStage()
          .toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the test node did not start", e);
    }
  }

  public static Http http(Node node) {
    return new Http("http://127.0.0.1:" + node.config().port());
  }
}
