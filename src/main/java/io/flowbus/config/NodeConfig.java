package io.flowbus.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Everything a node is told at start, read once from flags and environment and passed on through
 * constructors.
 *
 * @param definitions the definitions file
 * @param binDir put first on the PATH of every task; null for none
 * @param clusterMembers {@code host[:port]} of nodes to join; empty for every node on this host
 * @param clusterHost the address this node's cluster and event-bus traffic binds to; null to pick
 * @param clusterInterface an interface pattern such as {@code 172.28.0.*}; null for none
 * @param kubernetesServiceDns a headless Service to discover nodes with; null when not on
 *     Kubernetes
 * @param eventBusPort 0 for any free port
 * @param apiKeys the keys {@code /api} requests give in {@code X-API-Key}, each with its role;
 *     {@link ApiKeys#NONE} (or null) for an open API
 * @param localDir a folder on local disk (never the shared volume), shared by the nodes of this
 *     host, where the sessions of running tasks are recorded; null for {@code
 *     <java.io.tmpdir>/flowbus-<user>}
 * @param taskUser the user tasks run as; null for the node's own user
 * @param metricsPublic whether {@code /metrics} is open even when keys are set
 * @param retention runs ended longer ago than this are deleted; null keeps every run
 * @param webhookSecret what notifications are signed with; {@link WebhookSecret#NONE} (or null) to
 *     send them unsigned
 */
public record NodeConfig(
    Path definitions,
    Set<Role> roles,
    int port,
    Path dataDir,
    int slots,
    String clusterName,
    List<String> clusterMembers,
    String clusterHost,
    String clusterPublicHost,
    String clusterInterface,
    int clusterPort,
    int eventBusPort,
    String kubernetesServiceDns,
    ApiKeys apiKeys,
    Path binDir,
    boolean jsonLogs,
    Duration drainTimeout,
    long taskLogLimit,
    long spawnLimit,
    long bodyLimit,
    boolean fsync,
    Path localDir,
    String taskUser,
    boolean metricsPublic,
    Duration retention,
    WebhookSecret webhookSecret) {

  public NodeConfig {
    roles = Set.copyOf(roles);
    if (apiKeys == null) {
      apiKeys = ApiKeys.NONE;
    }
    if (webhookSecret == null) {
      webhookSecret = WebhookSecret.NONE;
    }
    if (localDir == null) {
      localDir =
          Path.of(
              System.getProperty("java.io.tmpdir"), "flowbus-" + System.getProperty("user.name"));
    }
    clusterMembers = List.copyOf(clusterMembers);
    if (retention != null && (retention.isZero() || retention.isNegative())) {
      throw new IllegalArgumentException("--retention must be longer than 0");
    }
    if (slots < 1) {
      throw new IllegalArgumentException("--slots must be at least 1");
    }
  }

  public boolean isController() {
    return roles.contains(Role.CONTROLLER);
  }

  public boolean isWorker() {
    return roles.contains(Role.WORKER);
  }

  /** Whether the nodes of this cluster live on one host and find each other on loopback. */
  public boolean loopbackCluster() {
    return clusterMembers.isEmpty()
        && kubernetesServiceDns == null
        && clusterHost == null
        && clusterInterface == null;
  }
}
