package io.flowbus.controller;

import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.Run;
import io.flowbus.model.Secrets;
import io.flowbus.storage.SecretBox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Tells whether two requests to create a run ask for the same thing. The fingerprint covers the
 * parameter inputs, the names of the header inputs and whether the run starts; header inputs carry
 * credentials, so their values never enter it: they are compared with the values the run holds in
 * memory instead. It is an HMAC-SHA256 under the engine's secrets key, so that a short secret in a
 * parameter cannot be guessed back from the journal by whoever lacks the key.
 */
final class RequestFingerprint {
  private static final String PURPOSE = "idempotency fingerprint";

  private RequestFingerprint() {}

  /** The fingerprint a run is journaled with. Blocking the first time (the key is read). */
  static String of(CreateRun request, SecretBox box) throws IOException {
    return HexFormat.of().formatHex(box.mac(PURPOSE, canonical(request)));
  }

  /**
   * The fingerprint of runs journaled before fingerprints were keyed: a SHA-256 of the same text. A
   * request that matches it asks for what that run was made for.
   */
  static String unkeyed(CreateRun request) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical(request)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static byte[] canonical(CreateRun request) {
    return new JsonObject()
        .put("params", new JsonObject(new TreeMap<String, Object>(request.params())))
        .put("headers", new JsonArray(new TreeSet<>(request.headers().keySet()).stream().toList()))
        .put("start", request.start())
        .encode()
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Whether every header input the request gives has the value the run was created with. A value
   * the run no longer knows (its secrets were lost) cannot differ.
   */
  static boolean sameSecrets(Run run, CreateRun request) {
    if (run.plan() == null) {
      return true;
    }
    for (InputSpec input : run.plan().job().inputs().values()) {
      if (input.source() != InputSource.HTTP_HEADER) {
        continue;
      }
      String given = request.headers().get(input.key().toLowerCase(Locale.ROOT));
      String held = run.inputs().get(input.name());
      if (given != null
          && held != null
          && !Secrets.MASK.equals(held)
          && !MessageDigest.isEqual(
              given.getBytes(StandardCharsets.UTF_8), held.getBytes(StandardCharsets.UTF_8))) {
        return false;
      }
    }
    return true;
  }
}
