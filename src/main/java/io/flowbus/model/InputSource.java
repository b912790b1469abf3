package io.flowbus.model;

import java.util.Arrays;
import java.util.Optional;

/** Where the value of a declared input comes from. */
public enum InputSource {
  PARAMETER("parameter"),
  ENVIRONMENT("environment"),
  HTTP_HEADER("http-header");

  private final String yamlName;

  InputSource(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static Optional<InputSource> fromYaml(String name) {
    return Arrays.stream(values()).filter(s -> s.yamlName.equals(name)).findFirst();
  }
}
