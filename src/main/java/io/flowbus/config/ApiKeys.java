package io.flowbus.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The API keys a node knows and the role of each. Only their SHA-256 digests are kept, and a key
 * given is compared with every one of them in constant time ({@link MessageDigest#isEqual}), so
 * that neither the answer's timing nor a heap dump tells a key.
 */
public final class ApiKeys {
  /** No key: the API is open to everyone, with every right. */
  public static final ApiKeys NONE = new ApiKeys(List.of());

  private final List<Known> known;

  private ApiKeys(List<Known> known) {
    this.known = List.copyOf(known);
  }

  /** The keys of {@code roles}; blank keys are refused. */
  public static ApiKeys of(Map<String, AccessRole> roles) {
    List<Known> known = new ArrayList<>();
    roles.forEach(
        (key, role) -> {
          if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("an API key cannot be blank");
          }
          known.add(new Known(digest(key), role));
        });
    return new ApiKeys(known);
  }

  /** One key with every right (the {@code --api-key}). */
  public static ApiKeys admin(String key) {
    return key == null ? NONE : of(Map.of(key, AccessRole.ADMIN));
  }

  /** Whether no key is configured, so that the API is open. */
  public boolean isEmpty() {
    return known.isEmpty();
  }

  public int size() {
    return known.size();
  }

  /** The role of {@code given}, or null when it is no key of these. */
  public AccessRole roleOf(String given) {
    if (given == null) {
      return null;
    }
    byte[] digest = digest(given);
    AccessRole found = null;
    for (Known key : known) {
      if (MessageDigest.isEqual(digest, key.digest)) {
        found = key.role; // no early exit: every key is compared
      }
    }
    return found;
  }

  @Override
  public String toString() {
    return "ApiKeys[" + known.size() + " keys]";
  }

  private static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static final class Known {
    private final byte[] digest;
    private final AccessRole role;

    Known(byte[] digest, AccessRole role) {
      this.digest = digest;
      this.role = role;
    }
  }
}
