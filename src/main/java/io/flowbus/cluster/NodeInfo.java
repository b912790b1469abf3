package io.flowbus.cluster;

import io.flowbus.config.Role;
import java.util.Set;

/**
 * A cluster member as the others see it.
 *
 * @param address the member's cluster address, {@code host:port}
 */
public record NodeInfo(String id, Set<Role> roles, int slots, int httpPort, String address) {

  public NodeInfo {
    roles = Set.copyOf(roles);
  }

  public boolean isWorker() {
    return roles.contains(Role.WORKER);
  }

  public boolean isController() {
    return roles.contains(Role.CONTROLLER);
  }
}
