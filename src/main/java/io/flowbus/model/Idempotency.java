package io.flowbus.model;

/**
 * The {@code Idempotency-Key} a run was created with and a fingerprint of the request that created
 * it: a SHA-256 of its inputs with secret values left out, so that a later request with the same
 * key can be told apart when it asks for something else.
 */
public record Idempotency(String key, String fingerprint) {
  public Idempotency {
    if (key == null || fingerprint == null) {
      throw new IllegalArgumentException("an idempotency key needs a key and a fingerprint");
    }
  }
}
