package io.flowbus.config;

import java.util.Locale;

/**
 * What an API key may do. Each role may do everything the roles before it may: {@code read} every
 * GET, {@code operate} also what runs runs (create, start, cancel, ...), {@code admin} everything,
 * the definitions and deleting runs included.
 */
public enum AccessRole {
  READ,
  OPERATE,
  ADMIN;

  /** Whether a key with this role may do what needs {@code needed}. */
  public boolean allows(AccessRole needed) {
    return compareTo(needed) >= 0;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The role named {@code name}; throws {@link IllegalArgumentException} for any other word,
   * without quoting it (a key written in the wrong column must not reach a log).
   */
  static AccessRole parse(String name) {
    for (AccessRole role : values()) {
      if (role.wireName().equals(name.toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new IllegalArgumentException("the role must be read, operate or admin");
  }
}
