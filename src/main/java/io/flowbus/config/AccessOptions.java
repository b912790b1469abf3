package io.flowbus.config;

import picocli.CommandLine.Option;

/**
 * The node options of who may call the node and what it signs: API keys, the metrics endpoint, the
 * webhook secret. Part of {@link NodeOptions}.
 */
final class AccessOptions {
  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      defaultValue = "${env:FLOWBUS_API_KEY}",
      description =
          "[FLOWBUS_API_KEY] a key with every right (admin); once a key is set, every /api"
              + " request needs one in header X-API-Key")
  String apiKey;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      defaultValue = "${env:FLOWBUS_API_KEY_FILE}",
      description =
          "[FLOWBUS_API_KEY_FILE] read the API key from the first line of this file instead;"
              + " unlike --api-key it is not in the node's environment")
  String apiKeyFile;

  @Option(
      names = "--api-keys-file",
      paramLabel = "FILE",
      defaultValue = "${env:FLOWBUS_API_KEYS_FILE}",
      description =
          "[FLOWBUS_API_KEYS_FILE] more API keys, one '<key> <role>' per line, role read,"
              + " operate or admin")
  String apiKeysFile;

  @Option(
      names = "--metrics-public",
      paramLabel = "BOOL",
      defaultValue = "${env:FLOWBUS_METRICS_PUBLIC:-false}",
      arity = "0..1",
      description =
          "[FLOWBUS_METRICS_PUBLIC] serve /metrics without a key even when keys are set"
              + " (default: ${DEFAULT-VALUE})")
  boolean metricsPublic;

  @Option(
      names = "--webhook-secret",
      paramLabel = "SECRET",
      defaultValue = "${env:FLOWBUS_WEBHOOK_SECRET}",
      description =
          "[FLOWBUS_WEBHOOK_SECRET] sign notifications with HMAC-SHA256 of this secret"
              + " (header X-Flowbus-Signature); prefer --webhook-secret-file")
  String webhookSecret;

  @Option(
      names = "--webhook-secret-file",
      paramLabel = "FILE",
      defaultValue = "${env:FLOWBUS_WEBHOOK_SECRET_FILE}",
      description =
          "[FLOWBUS_WEBHOOK_SECRET_FILE] read the webhook secret from the first line of this file;"
              + " unlike --webhook-secret it shows neither in ps nor in the environment")
  String webhookSecretFile;
}
