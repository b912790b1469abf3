package io.flowbus.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** The input declarations task classes and jobs share. */
final class Inputs {
  private Inputs() {}

  static Map<String, Object> spec(String source, String defaultValue) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("source", source);
    spec.put("default", defaultValue);
    return spec;
  }
}
