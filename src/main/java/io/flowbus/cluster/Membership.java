package io.flowbus.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.flowbus.config.Role;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who is in the cluster and who orchestrates. The orchestrator is the oldest controller-role
 * member: every member sees the same member order, so all agree without a vote, and when it leaves
 * the next oldest takes over as soon as the membership change is seen.
 */
public final class Membership {
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final HazelcastInstance hazelcast;
  private final String selfId;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private record Listener(Context context, Runnable action) {}

  public Membership(HazelcastInstance hazelcast, String selfId) {
    this.hazelcast = hazelcast;
    this.selfId = selfId;
    hazelcast
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                changed();
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                changed();
              }
            });
  }

  private void changed() {
    listeners.forEach(l -> l.context().runOnContext(v -> l.action().run()));
  }

  /**
   * Runs {@code action} on {@code context} whenever a member joins or leaves; returns what
   * unsubscribes it.
   */
  public Runnable onChange(Context context, Runnable action) {
    Listener listener = new Listener(context, action);
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public String selfId() {
    return selfId;
  }

  /** Members, oldest first, that have finished joining (their Vert.x node id is known). */
  public List<NodeInfo> nodes() {
    List<NodeInfo> nodes = new ArrayList<>();
    for (Member member : hazelcast.getCluster().getMembers()) {
      String id = member.getAttribute(VERTX_NODE_ID);
      if (id != null) {
        nodes.add(
            new NodeInfo(
                id,
                Role.parseList(member.getAttribute(ClusterSetup.ROLES)),
                Integer.parseInt(member.getAttribute(ClusterSetup.SLOTS)),
                Integer.parseInt(member.getAttribute(ClusterSetup.HTTP_PORT)),
                member.getAddress().getHost() + ":" + member.getAddress().getPort()));
      }
    }
    return nodes;
  }

  /** Whether the node is a member that has finished joining. */
  public boolean isMember(String nodeId) {
    for (Member member : hazelcast.getCluster().getMembers()) {
      if (nodeId.equals(member.getAttribute(VERTX_NODE_ID))) {
        return true;
      }
    }
    return false;
  }

  public Optional<NodeInfo> leader() {
    return nodes().stream().filter(NodeInfo::isController).findFirst();
  }

  public boolean isLeader() {
    return leader().map(n -> n.id().equals(selfId)).orElse(false);
  }
}
