package io.flowbus.testing;

import io.flowbus.Node;
import io.flowbus.config.ApiKeys;
import io.flowbus.config.NodeConfig;
import io.flowbus.config.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Nodes in this JVM for tests: a cluster of their own, free ports, a data directory given. */
public final class TestNodes {
  /**
   * Test ports are taken from here up to the first ephemeral port, and below 30000 (where
   * Kubernetes hands out node ports, should the tests run on such a node).
   */
  private static final int FIRST_TEST_PORT = 20000;

  private static final int TEST_PORTS =
      Math.max(0, Math.min(30000, firstEphemeralPort()) - FIRST_TEST_PORT);

  /** Where this JVM's ports start: another JVM running tests beside it likely takes others. */
  private static final AtomicInteger nextPort =
      new AtomicInteger(TEST_PORTS == 0 ? 0 : ThreadLocalRandom.current().nextInt(TEST_PORTS));

  private TestNodes() {}

  public static String uniqueClusterName() {
    return "test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * A port that is free now, for a node that binds it seconds later. Taken below the kernel's range
   * of ephemeral ports where there is room: a port from that range may meanwhile be given to any
   * listener bound to port 0 (every node's event bus binds one), and the node would then fail to
   * bind it.
   */
  public static int freePort() {
    for (int tries = 0; tries < TEST_PORTS; tries++) {
      int port = FIRST_TEST_PORT + Math.floorMod(nextPort.getAndIncrement(), TEST_PORTS);
      if (isFree(port)) {
        return port;
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The first port of the kernel's ephemeral range; {@link #FIRST_TEST_PORT} where it is not known
   * (then ports come from the kernel, as any). Read by lines: {@code /proc} files report a size of
   * 0, and {@code Files.readString} reads only their first byte.
   */
  static int firstEphemeralPort() {
    try {
      String range =
          Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return FIRST_TEST_PORT;
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
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
