package io.flowbus.controller;

import io.flowbus.cluster.ProblemException;
import io.flowbus.cluster.Problems;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.flowbus.model.Secrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The inputs of a new run: parameters from the query and body, http-header inputs from the request
 * headers, defaults for the rest. Every missing or unknown input is reported at once.
 */
final class RunRequests {
  private RunRequests() {}

  record Inputs(Map<String, String> values, Set<String> secrets) {}

  /**
   * Resolves the inputs; a {@link ProblemException} (400) names every missing or unknown one.
   *
   * @param params parameter inputs by name
   * @param headers request headers by lower-case name
   */
  static Inputs resolve(JobDef job, Map<String, String> params, Map<String, String> headers) {
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> secrets = new HashSet<>();
    List<String> missing = new ArrayList<>();
    List<String> misplaced = new ArrayList<>();
    for (InputSpec input : job.inputs().values()) {
      String wrongPlace = misplaced(input, params);
      if (wrongPlace != null) {
        misplaced.add(wrongPlace);
      }
      if (input.source() == InputSource.ENVIRONMENT) {
        continue;
      }
      String value = valueOf(input, params, headers);
      if (value != null) {
        values.put(input.name(), value);
        if (input.secret()) {
          secrets.add(input.name());
        }
      } else if (input.required()) {
        missing.add(
            input.source() == InputSource.HTTP_HEADER
                ? input.name() + " (header " + input.key() + ")"
                : input.name());
      }
    }
    List<String> unknown =
        params.keySet().stream().filter(n -> !job.inputs().containsKey(n)).sorted().toList();
    if (!missing.isEmpty() || !unknown.isEmpty() || !misplaced.isEmpty()) {
      throw new ProblemException(problem(job, missing, unknown, misplaced));
    }
    secrets.addAll(holdingSecrets(values, secrets));
    return new Inputs(values, secrets);
  }

  /**
   * The other inputs whose values hold a secret, or a part of one that is masked: each is kept as a
   * secret too (encrypted at rest, shown as {@code ***}), or the secret would be in clear beside
   * it.
   */
  private static Set<String> holdingSecrets(Map<String, String> values, Set<String> secrets) {
    if (secrets.isEmpty()) {
      return Set.of();
    }
    Secrets masking = Secrets.of(secrets.stream().map(values::get).toList());
    Set<String> holding = new HashSet<>();
    values.forEach(
        (name, value) -> {
          if (!secrets.contains(name) && !masking.mask(value).equals(value)) {
            holding.add(name);
          }
        });
    return holding;
  }

  /** The value a parameter or header input has in the request, else its default (or null). */
  private static String valueOf(
      InputSpec input, Map<String, String> params, Map<String, String> headers) {
    String value =
        input.source() == InputSource.PARAMETER
            ? params.get(input.name())
            : headers.get(input.key().toLowerCase(Locale.ROOT));
    return value == null ? input.defaultValue() : value;
  }

  /** What is wrong with a parameter given for an input that is not one; null if nothing is. */
  private static String misplaced(InputSpec input, Map<String, String> params) {
    if (input.source() == InputSource.PARAMETER || !params.containsKey(input.name())) {
      return null;
    }
    return input.source() == InputSource.HTTP_HEADER
        ? input.name() + " (read from the " + input.key() + " header)"
        : input.name() + " (read from the environment of the worker)";
  }

  private static JsonObject problem(
      JobDef job, List<String> missing, List<String> unknown, List<String> misplaced) {
    List<String> parts = new ArrayList<>();
    if (!missing.isEmpty()) {
      parts.add("missing required input" + plural(missing) + ": " + String.join(", ", missing));
    }
    if (!unknown.isEmpty()) {
      parts.add(
          "unknown input"
              + plural(unknown)
              + ": "
              + String.join(", ", unknown)
              + " (job '"
              + job.id()
              + "' declares: "
              + String.join(", ", job.inputs().keySet())
              + ")");
    }
    if (!misplaced.isEmpty()) {
      parts.add("not a parameter: " + String.join(", ", misplaced));
    }
    return Problems.problem(400, "Invalid run inputs", String.join("; ", parts))
        .put("missing_inputs", new JsonArray(missing.stream().map(RunRequests::nameOf).toList()))
        .put("unknown_inputs", new JsonArray(unknown));
  }

  private static String nameOf(String described) {
    int space = described.indexOf(' ');
    return space < 0 ? described : described.substring(0, space);
  }

  private static String plural(List<String> list) {
    return list.size() == 1 ? "" : "s";
  }
}
