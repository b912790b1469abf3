package io.flowbus.controller;

import io.flowbus.cluster.OrchestratorRequest.CreateRun;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.flowbus.model.Run;
import io.flowbus.model.Secrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Tells whether two requests to create a run ask for the same thing. The fingerprint is a SHA-256
 * of the parameter inputs, the names of the header inputs and whether the run starts. Header inputs
 * carry credentials, and the run keeps a parameter secret that is declared so or holds a secret's
 * value: the values of these never enter it (a hash of a short secret could be guessed back from
 * the journal), only their names; they are compared with the values the run holds in memory
 * instead.
 */
final class RequestFingerprint {
  private RequestFingerprint() {}

  static String of(CreateRun request, JobDef job) {
    Set<String> kept = RunRequests.secretParams(job, request.params(), request.headers());
    Map<String, Object> params = new TreeMap<>(request.params());
    params.keySet().removeAll(kept);
    JsonObject canonical =
        new JsonObject()
            .put("params", new JsonObject(params))
            .put(
                "headers",
                new JsonArray(new TreeSet<>(request.headers().keySet()).stream().toList()));
    if (!kept.isEmpty()) {
      // only then: the fingerprints of requests with no secret in a parameter stay as they were
      canonical.put("secret_params", new JsonArray(new TreeSet<>(kept).stream().toList()));
    }
    canonical.put("start", request.start());
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
   * Whether every header input the request gives, and every parameter the run keeps secret, has the
   * value the run was created with. A value the run no longer knows (its secrets were lost) cannot
   * differ.
   */
  static boolean sameSecrets(Run run, CreateRun request) {
    if (run.plan() == null) {
      return true;
    }
    for (InputSpec input : run.plan().job().inputs().values()) {
      String given =
          switch (input.source()) {
            case HTTP_HEADER -> request.headers().get(input.key().toLowerCase(Locale.ROOT));
            case PARAMETER ->
                run.secretInputs().contains(input.name())
                    ? request.params().get(input.name())
                    : null;
            default -> null;
          };
      if (differs(given, run.inputs().get(input.name()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean differs(String given, String held) {
    return given != null
        && held != null
        && !Secrets.MASK.equals(held)
        && !MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8), held.getBytes(StandardCharsets.UTF_8));
  }
}
