package io.flowbus.model;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The inputs a run was created with, and which of them are secret: shown only masked. */
final class RunInputs {
  static final RunInputs NONE = new RunInputs(Map.of(), Set.of());

  private final Map<String, String> values;
  private final Set<String> secrets;

  RunInputs(Map<String, String> values, Set<String> secrets) {
    this.values = Map.copyOf(values);
    this.secrets = Set.copyOf(secrets);
  }

  /** Every value, secrets included. */
  Map<String, String> values() {
    return values;
  }

  Set<String> secrets() {
    return secrets;
  }

  /**
   * The values of the secret inputs that {@code declared} declares secret; all of them when it is
   * null (no plan) or does not know one.
   */
  List<String> secretValues(Map<String, InputSpec> declared) {
    return secrets.stream()
        .filter(n -> declared == null || declared.get(n) == null || declared.get(n).secret())
        .map(values::get)
        .filter(Objects::nonNull)
        .toList();
  }

  /** The values given, in the order {@code declared} names them, {@code ***} for a secret. */
  Map<String, String> masked(Collection<String> declared) {
    Map<String, String> masked = new LinkedHashMap<>();
    for (String name : declared) {
      if (values.containsKey(name)) {
        masked.put(name, secrets.contains(name) ? Secrets.MASK : values.get(name));
      }
    }
    return masked;
  }
}
