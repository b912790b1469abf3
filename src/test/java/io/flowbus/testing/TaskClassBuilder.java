package io.flowbus.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One task class of a definitions file: {@code aTask("fetch").args("{url}").parameter("url")}. The
 * command is the task class's id unless {@link #command} says otherwise.
 */
public final class TaskClassBuilder {
  private final String id;
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final Map<String, Object> inputs = new LinkedHashMap<>();

  private TaskClassBuilder(String id) {
    this.id = id;
    fields.put("exec_command", id);
  }

  public static TaskClassBuilder aTask(String id) {
    return new TaskClassBuilder(id);
  }

  public TaskClassBuilder command(String command) {
    return with("exec_command", command);
  }

  public TaskClassBuilder args(String... args) {
    return with("exec_args", List.of(args));
  }

  /** A shell script run as {@code sh -c SCRIPT NAME ARGS...}: {@code $1} is the first of args. */
  public TaskClassBuilder shell(String script, String... args) {
    List<String> argv = new java.util.ArrayList<>(List.of("-c", script, id));
    argv.addAll(List.of(args));
    return command("sh").with("exec_args", argv);
  }

  public TaskClassBuilder retries(int retries) {
    return with("retries", retries);
  }

  public TaskClassBuilder retryBackoff(String duration) {
    return with("retry_backoff", duration);
  }

  public TaskClassBuilder timeout(String duration) {
    return with("timeout", duration);
  }

  /** A required input read from a job parameter or spawn entry. */
  public TaskClassBuilder parameter(String name) {
    return input(name, Map.of("source", "parameter"));
  }

  public TaskClassBuilder parameter(String name, String defaultValue) {
    return input(name, Inputs.spec("parameter", defaultValue));
  }

  public TaskClassBuilder header(String name, String header) {
    return input(name, Map.of("source", "http-header", "key", header));
  }

  /** An input as the file spells it, such as {@code Map.of("source", "environment")}. */
  public TaskClassBuilder input(String name, Map<String, Object> spec) {
    inputs.put(name, spec);
    return this;
  }

  /** Any other key, spelled as in the file (a wrong one makes an invalid file on purpose). */
  public TaskClassBuilder with(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  String id() {
    return id;
  }

  Map<String, Object> toYamlMap() {
    Map<String, Object> map = new LinkedHashMap<>(fields);
    if (!inputs.isEmpty()) {
      map.put("input", inputs);
    }
    return map;
  }
}
