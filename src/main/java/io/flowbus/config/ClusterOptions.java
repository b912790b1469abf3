package io.flowbus.config;

import picocli.CommandLine.Option;

/**
 * The node options of how nodes find each other and talk: the cluster's name, its members, the
 * addresses and ports of Hazelcast and the event bus. Part of {@link NodeOptions}.
 */
final class ClusterOptions {
  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      defaultValue = "${env:FLOWBUS_CLUSTER_NAME:-flowbus}",
      description =
          "[FLOWBUS_CLUSTER_NAME] nodes join only a cluster of this name (default: ${DEFAULT-VALUE})")
  String clusterName;

  @Option(
      names = "--cluster-members",
      paramLabel = "HOSTS",
      defaultValue = "${env:FLOWBUS_CLUSTER_MEMBERS}",
      description =
          "[FLOWBUS_CLUSTER_MEMBERS] comma-separated host[:port] of nodes to join across hosts"
              + " (default: every node on this host, over loopback)")
  String clusterMembers;

  @Option(
      names = "--cluster-host",
      paramLabel = "HOST",
      defaultValue = "${env:FLOWBUS_CLUSTER_HOST}",
      description = "[FLOWBUS_CLUSTER_HOST] address to bind cluster and event-bus traffic to")
  String clusterHost;

  @Option(
      names = "--cluster-public-host",
      paramLabel = "HOST",
      defaultValue = "${env:FLOWBUS_CLUSTER_PUBLIC_HOST}",
      description =
          "[FLOWBUS_CLUSTER_PUBLIC_HOST] address other nodes reach this one at, if not --cluster-host (NAT)")
  String clusterPublicHost;

  @Option(
      names = "--cluster-interface",
      paramLabel = "PATTERN",
      defaultValue = "${env:FLOWBUS_CLUSTER_INTERFACE}",
      description =
          "[FLOWBUS_CLUSTER_INTERFACE] interface pattern to bind to, e.g. 172.28.0.* on a compose network")
  String clusterInterface;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      defaultValue = "${env:FLOWBUS_CLUSTER_PORT:-5701}",
      description =
          "[FLOWBUS_CLUSTER_PORT] first cluster (Hazelcast) port; the next free one is taken (default: ${DEFAULT-VALUE})")
  int clusterPort;

  @Option(
      names = "--event-bus-port",
      paramLabel = "PORT",
      defaultValue = "${env:FLOWBUS_EVENT_BUS_PORT:-0}",
      description =
          "[FLOWBUS_EVENT_BUS_PORT] event-bus port, 0 for any free one (default: ${DEFAULT-VALUE})")
  int eventBusPort;

  @Option(
      names = "--kubernetes-service-dns",
      paramLabel = "NAME",
      defaultValue = "${env:FLOWBUS_KUBERNETES_SERVICE_DNS}",
      description =
          "[FLOWBUS_KUBERNETES_SERVICE_DNS] headless Service to discover nodes with on Kubernetes,"
              + " e.g. flowbus.default.svc.cluster.local")
  String kubernetesServiceDns;
}
