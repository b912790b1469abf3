package io.flowbus.controller;

import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.Run;
import io.flowbus.model.Secrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Tells whether two requests to create a run ask for the same thing. The fingerprint is a SHA-256
 * of the parameter inputs, the names of the header inputs and whether the run starts; header inputs
 * carry credentials, so their values never enter it (a hash of a short secret could be guessed
 * back): they are compared with the values the run holds in memory instead.
 */
final class RequestFingerprint {
  private RequestFingerprint() {}

  static String of(CreateRun request) {
    JsonObject canonical =
        new JsonObject()
            .put("params", new JsonObject(new TreeMap<String, Object>(request.params())))
            .put(
                "headers",
                new JsonArray(new TreeSet<>(request.headers().keySet()).stream().toList()))
            .put("start", request.start());
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonical.encode().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
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
