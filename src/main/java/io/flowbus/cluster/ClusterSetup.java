package io.flowbus.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.flowbus.config.NodeConfig;
import io.flowbus.config.Role;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Turns a node's settings into the Hazelcast and event-bus configuration it joins with. */
public final class ClusterSetup {
  /** Member attributes every node publishes: the orchestrator reads roles and slots from them. */
  public static final String ROLES = "flowbus.roles";

  public static final String SLOTS = "flowbus.slots";
  public static final String HTTP_PORT = "flowbus.http-port";

  static final int LOOPBACK_MEMBERS = 10;

  private ClusterSetup() {}

  public static Config hazelcast(NodeConfig node) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(node.clusterName());
    tune(hz);
    hz.getMemberAttributeConfig()
        .setAttribute(
            ROLES,
            node.roles().stream().map(Role::wireName).sorted().collect(Collectors.joining(",")))
        .setAttribute(SLOTS, Integer.toString(node.slots()))
        .setAttribute(HTTP_PORT, Integer.toString(node.port()));
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(node.clusterPort()).setPortAutoIncrement(true).setPortCount(100);
    join(network.getJoin(), node);
    bind(network, node);
    return hz;
  }

  /** Logging, metrics and the timings of joining and of noticing a dead member. */
  private static void tune(Config hz) {
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // flowbus reads none of Hazelcast's own metrics (its /metrics are Micrometer's): collecting
    // them every few seconds, and exposing them over JMX, only costs the node CPU.
    hz.setProperty("hazelcast.jmx", "false");
    hz.getMetricsConfig().setEnabled(false);
    hz.getMetricsConfig().getJmxConfig().setEnabled(false);
    hz.getMetricsConfig().getManagementCenterConfig().setEnabled(false);
    // A node alone should be up at once; others joining are found by the TCP-IP joiner anyway.
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    // Notice a silently dead member in seconds, not the default minute.
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "30");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "30");
  }

  /** How the node finds the others: Kubernetes' service DNS, else a TCP-IP member list. */
  private static void join(JoinConfig join, NodeConfig node) {
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    if (node.kubernetesServiceDns() != null) {
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", node.kubernetesServiceDns())
          .setProperty("service-port", Integer.toString(node.clusterPort()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(members(node));
    }
  }

  /** The address the node binds to and the one it announces to the others. */
  private static void bind(NetworkConfig network, NodeConfig node) {
    String host = bindAddress(node);
    if (host != null) {
      // Bind to this address and announce it as the member's address: a member list of host
      // names (compose services) would otherwise make a scaled service's members all announce
      // the same name.
      // the pattern, not just this address: the joiner keeps only member addresses it matches
      network
          .getInterfaces()
          .setEnabled(true)
          .addInterface(node.clusterInterface() != null ? node.clusterInterface() : host);
      network.setPublicAddress(node.clusterPublicHost() != null ? node.clusterPublicHost() : host);
    } else if (node.clusterPublicHost() != null) {
      network.setPublicAddress(node.clusterPublicHost());
    }
  }

  /**
   * The members to contact. On one host every node's base port is listed: Hazelcast scans a member
   * without a port only from this node's own port, and its range syntax does not parse.
   */
  static List<String> members(NodeConfig node) {
    List<String> members = new ArrayList<>();
    if (node.clusterMembers().isEmpty()) {
      String host = node.clusterHost() != null ? node.clusterHost() : "127.0.0.1";
      for (int i = 0; i < LOOPBACK_MEMBERS; i++) {
        members.add(host + ":" + (node.clusterPort() + i));
      }
    } else {
      members.addAll(node.clusterMembers());
    }
    return members;
  }

  public static VertxOptions vertx(NodeConfig node) {
    EventBusOptions bus = new EventBusOptions().setPort(node.eventBusPort());
    String host = bindAddress(node);
    if (host != null) {
      bus.setHost(host);
    }
    if (node.clusterPublicHost() != null) {
      bus.setClusterPublicHost(node.clusterPublicHost());
    }
    return new VertxOptions().setEventBusOptions(bus);
  }

  /**
   * The address cluster and event-bus traffic bind to: loopback for a one-host cluster, the address
   * of {@code --cluster-host}, or this machine's address that {@code --cluster-interface} matches;
   * null to let Hazelcast pick.
   */
  static String bindAddress(NodeConfig node) {
    if (node.loopbackCluster()) {
      return "127.0.0.1";
    }
    if (node.clusterHost() != null) {
      return ipOf(node.clusterHost());
    }
    if (node.clusterInterface() != null) {
      return InterfacePattern.localAddress(node.clusterInterface());
    }
    return null;
  }

  private static String ipOf(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve --cluster-host " + host, e);
    }
  }
}
