package io.flowbus.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job of a definitions file: {@code aJob("j").stage("s", "t")}. Options such as {@link
 * #jobFailedOnError} apply to the stage added last.
 */
public final class JobBuilder {
  private final String id;
  private final Map<String, Object> fields = new LinkedHashMap<>();
  private final Map<String, Object> inputs = new LinkedHashMap<>();
  private final List<Map<String, Object>> stages = new ArrayList<>();

  private JobBuilder(String id) {
    this.id = id;
  }

  public static JobBuilder aJob(String id) {
    return new JobBuilder(id);
  }

  public JobBuilder stage(String name, String taskClass) {
    Map<String, Object> stage = new LinkedHashMap<>();
    stage.put("name", name);
    stage.put("task_class", taskClass);
    stages.add(stage);
    return this;
  }

  /** A stage whose spawn task lists the entries, one {@code taskClass} task per entry. */
  public JobBuilder spawnStage(String name, String spawnTask, String taskClass) {
    stage(name, taskClass);
    return withStage("spawn_task", spawnTask);
  }

  public JobBuilder jobFailedOnError(boolean failed) {
    return withStage("job_failed_on_error", failed);
  }

  public JobBuilder maxParallel(int max) {
    return withStage("max_parallel", max);
  }

  /** Any key of the stage added last, spelled as in the file. */
  public JobBuilder withStage(String key, Object value) {
    if (stages.isEmpty()) {
      throw new IllegalStateException("job " + id + " has no stage yet");
    }
    stages.get(stages.size() - 1).put(key, value);
    return this;
  }

  /** A required job parameter. */
  public JobBuilder parameter(String name) {
    return input(name, Map.of("source", "parameter"));
  }

  public JobBuilder parameter(String name, String defaultValue) {
    return input(name, Inputs.spec("parameter", defaultValue));
  }

  public JobBuilder header(String name, String header) {
    return input(name, Map.of("source", "http-header", "key", header));
  }

  /** An input as the file spells it, such as {@code Map.of("source", "environment")}. */
  public JobBuilder input(String name, Map<String, Object> spec) {
    inputs.put(name, spec);
    return this;
  }

  /** Any other key of the job, spelled as in the file. */
  public JobBuilder with(String key, Object value) {
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
    map.put("stages", stages);
    return map;
  }
}
