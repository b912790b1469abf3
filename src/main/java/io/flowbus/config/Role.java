package io.flowbus.config;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a node does: serve REST and orchestrate (controller), run tasks (worker), or both. */
public enum Role {
  CONTROLLER,
  WORKER;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code controller,worker}; throws on an unknown or empty list. */
  public static Set<Role> parseList(String text) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : text.split(",")) {
      String name = part.trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(Role.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown role '" + part.trim() + "' (expected controller, worker or both)", e);
      }
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("a node needs at least one role: controller, worker");
    }
    return roles;
  }
}
