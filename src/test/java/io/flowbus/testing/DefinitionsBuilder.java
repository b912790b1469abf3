package io.flowbus.testing;

import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.flowbus.model.RunPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A definitions file for tests, written as YAML the way a user writes it. The common shapes are
 * one-liners: {@code oneTaskJob("j", "t").yaml()}, {@code fanOutJob("j", "gen", "each").plan("j")}.
 * Tests of the loader's own syntax (line numbers, YAML quirks) keep their YAML literal instead.
 */
public final class DefinitionsBuilder {
  /** The definitions version of the plans this builder makes. */
  public static final String VERSION = "v1";

  private final Map<String, TaskClassBuilder> tasks = new LinkedHashMap<>();
  private final Map<String, JobBuilder> jobs = new LinkedHashMap<>();

  private DefinitionsBuilder() {}

  public static DefinitionsBuilder aDefinitions() {
    return new DefinitionsBuilder();
  }

  /** Job {@code job} with one stage {@code s} running task class {@code task} once. */
  public static DefinitionsBuilder oneTaskJob(String job, String task) {
    return aDefinitions()
        .task(TaskClassBuilder.aTask(task))
        .job(JobBuilder.aJob(job).stage("s", task));
  }

  /** Job {@code job} with one stage {@code s}: {@code spawnTask} lists entries for {@code each}. */
  public static DefinitionsBuilder fanOutJob(String job, String spawnTask, String each) {
    return aDefinitions()
        .task(TaskClassBuilder.aTask(spawnTask))
        .task(TaskClassBuilder.aTask(each))
        .job(JobBuilder.aJob(job).spawnStage("s", spawnTask, each));
  }

  public DefinitionsBuilder task(TaskClassBuilder task) {
    tasks.put(task.id(), task);
    return this;
  }

  public DefinitionsBuilder job(JobBuilder job) {
    jobs.put(job.id(), job);
    return this;
  }

  /** The file's text. */
  public String yaml() {
    Map<String, Object> tasksMap = new LinkedHashMap<>();
    tasks.forEach((id, task) -> tasksMap.put(id, task.toYamlMap()));
    Map<String, Object> jobsMap = new LinkedHashMap<>();
    jobs.forEach((id, job) -> jobsMap.put(id, job.toYamlMap()));
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("tasks", tasksMap);
    file.put("jobs", jobsMap);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setWidth(1000);
    return new Yaml(options).dump(file);
  }

  /** The definitions as the loader reads them; invalid ones fail the test naming each problem. */
  public Definitions build() {
    String yaml = yaml();
    try {
      return DefinitionsLoader.parse(yaml, "test.yaml");
    } catch (DefinitionsException e) {
      throw new AssertionError(
          String.join("\n", DefinitionsLoader.describe(e)) + "\nin:\n" + yaml, e);
    }
  }

  /** The plan of a run of {@code job}, definitions version {@link #VERSION}. */
  public RunPlan plan(String job) {
    Definitions definitions = build();
    return RunPlan.of(
        definitions,
        definitions
            .job(job)
            .orElseThrow(() -> new AssertionError("no job '" + job + "' in\n" + yaml())),
        VERSION);
  }

  /**
   * Writes the project's example definitions (with their commands and books) to {@code dir}, this
   * builder's tasks and jobs added, and returns the definitions file.
   */
  @SuppressWarnings("unchecked")
  public Path besideTheExample(Path dir) {
    Path example = Path.of("example");
    try (Stream<Path> files = Files.walk(example)) {
      for (Path from : files.toList()) {
        Path to = dir.resolve(example.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
      Path file = dir.resolve("task_job_config.yaml");
      Map<String, Object> merged = new Yaml().load(Files.readString(file));
      Map<String, Object> added = new Yaml().load(yaml());
      ((Map<String, Object>) merged.get("tasks")).putAll((Map<String, Object>) added.get("tasks"));
      ((Map<String, Object>) merged.get("jobs")).putAll((Map<String, Object>) added.get("jobs"));
      return Files.writeString(file, new Yaml().dump(merged));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the file to {@code file} and returns it. */
  public Path writeTo(Path file) {
    try {
      return Files.writeString(file, yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
