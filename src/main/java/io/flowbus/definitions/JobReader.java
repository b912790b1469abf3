package io.flowbus.definitions;

import io.flowbus.model.FailureTolerance;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.flowbus.model.NotifyTarget;
import io.flowbus.model.StageDef;
import io.flowbus.model.TaskClass;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** Reads the jobs under {@code jobs:} and checks what their stages refer to. */
final class JobReader {
  private static final Set<String> JOB_KEYS =
      Set.of("name", "description", "input", "stages", "notify");
  private static final Set<String> STAGE_KEYS =
      Set.of(
          "name",
          "task_class",
          "spawn_task",
          "job_failed_on_error",
          "max_parallel",
          "depends_on",
          "tolerated_failures");

  private final YamlReader reader;
  private final Map<String, TaskClass> tasks;
  private final Set<String> taskIds;
  private final Map<String, Map<String, InputSpec>> declaredInputs = new LinkedHashMap<>();

  /**
   * @param taskIds every task id in the file, valid or not, so that a broken task class is reported
   *     once, where it is, and not again at every stage that uses it
   */
  JobReader(YamlReader reader, Map<String, TaskClass> tasks, Set<String> taskIds) {
    this.reader = reader;
    this.tasks = tasks;
    this.taskIds = taskIds;
  }

  /**
   * The inputs of each job read so far whose {@code input:} section is sound, the job itself sound
   * or not: a schedule of a broken job still has its inputs checked.
   */
  Map<String, Map<String, InputSpec>> declaredInputs() {
    return declaredInputs;
  }

  JobDef read(String id, Node node) {
    String path = "jobs." + id;
    Map<String, Node> e = reader.mapping(node, path, JOB_KEYS);
    if (e == null) {
      return null;
    }
    // read before the count: a bad name alone must not hide the checks of what uses this job
    String name = reader.string(e.get("name"), path + ".name");
    String description = reader.string(e.get("description"), path + ".description");
    int before = reader.problems().size();
    TaskClassReader.Inputs inputs = inputs(id, e.get("input"), path + ".input");
    List<StageDef> stages = new ArrayList<>();
    Node stagesNode = e.get("stages");
    List<Node> items = stagesNode == null ? null : reader.sequence(stagesNode, path + ".stages");
    if (stagesNode == null || (items != null && items.isEmpty())) {
      reader.problem(
          stagesNode == null ? node : stagesNode, path + ".stages", "needs at least one stage");
    } else if (items != null) {
      for (int i = 0; i < items.size(); i++) {
        StageDef stage = stage(items.get(i), path + ".stages[" + i + "]", inputs.specs());
        if (stage != null) {
          stages.add(stage);
        }
      }
      new StageGraphCheck(reader).check(items, path + ".stages");
    }
    List<NotifyTarget> notify = new NotifyReader(reader).read(e.get("notify"), path + ".notify");
    if (reader.problems().size() > before) {
      return null;
    }
    return new JobDef(
        id,
        name == null ? id : name.strip(),
        description == null ? "" : description.strip(),
        inputs.specs(),
        stages,
        notify);
  }

  /** The job's inputs, noted for its schedules when they are sound. */
  private TaskClassReader.Inputs inputs(String id, Node node, String path) {
    int before = reader.problems().size();
    TaskClassReader.Inputs inputs = new TaskClassReader.InputReader(reader).read(node, path);
    if (reader.problems().size() == before) {
      declaredInputs.put(id, inputs.specs());
    }
    return inputs;
  }

  private StageDef stage(Node node, String path, Map<String, InputSpec> jobInputs) {
    Map<String, Node> e = reader.mapping(node, path, STAGE_KEYS);
    if (e == null) {
      return null;
    }
    int before = reader.problems().size();
    String name = reader.requiredString(e, "name", path, node);
    String taskClass = reference(e, "task_class", path, node, true);
    String spawnTask = reference(e, "spawn_task", path, node, false);
    Boolean failOnError = reader.bool(e.get("job_failed_on_error"), path + ".job_failed_on_error");
    Integer maxParallel = reader.wholeNumber(e.get("max_parallel"), path + ".max_parallel", 1);
    List<String> dependsOn = dependsOn(e.get("depends_on"), path + ".depends_on");
    FailureTolerance tolerance =
        tolerance(e.get("tolerated_failures"), path + ".tolerated_failures", failOnError);
    if (spawnTask != null) {
      checkProvided(spawnTask, jobInputs, e.get("spawn_task"), path + ".spawn_task");
    } else if (taskClass != null) {
      checkProvided(taskClass, jobInputs, e.get("task_class"), path + ".task_class");
    }
    if (reader.problems().size() > before) {
      return null;
    }
    if (tolerance == null) {
      tolerance = failOnError == null || failOnError ? FailureTolerance.NONE : FailureTolerance.ALL;
    }
    return new StageDef(
        name.strip(),
        taskClass,
        spawnTask,
        maxParallel == null ? 0 : maxParallel,
        dependsOn,
        tolerance);
  }

  /** The names listed; null if the stage declares none; the checks across stages come later. */
  private List<String> dependsOn(Node node, String path) {
    if (node == null) {
      return null;
    }
    List<Node> items = reader.sequence(node, path);
    if (items == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String name = reader.string(items.get(i), path + "[" + i + "]");
      if (name == null || name.isBlank()) {
        reader.problem(items.get(i), path + "[" + i + "]", "must name a stage");
      } else if (names.contains(name.strip())) {
        reader.problem(items.get(i), path + "[" + i + "]", "'" + name + "' is listed twice");
      } else {
        names.add(name.strip());
      }
    }
    return names;
  }

  /**
   * {@code tolerated_failures: N} or {@code "P%"}; null if not set. It must agree with {@code
   * job_failed_on_error} if both are set: true tolerates none, false tolerates all.
   */
  private FailureTolerance tolerance(Node node, String path, Boolean failOnError) {
    String text = reader.string(node, path);
    if (text == null) {
      return null;
    }
    FailureTolerance tolerance = FailureTolerances.parse(text.strip());
    if (tolerance == null) {
      reader.problem(
          node,
          path,
          "must be a whole number of failures or a percentage such as \"5%\" (at most 100%), not '"
              + text
              + "'");
      return null;
    }
    if (failOnError != null && (failOnError ? !tolerance.none() : !tolerance.all())) {
      reader.problem(
          node,
          path,
          "contradicts job_failed_on_error: "
              + failOnError
              + " (which tolerates "
              + (failOnError ? "no failure" : "every failure")
              + "): set only one of them");
      return null;
    }
    return tolerance;
  }

  private String reference(
      Map<String, Node> e, String key, String path, Node stage, boolean required) {
    String id =
        required
            ? reader.requiredString(e, key, path, stage)
            : reader.string(e.get(key), path + "." + key);
    if (id == null) {
      return null;
    }
    if (!taskIds.contains(id)) {
      reader.problem(e.get(key), path + "." + key, "unknown task class '" + id + "'");
      return null;
    }
    return id;
  }

  /**
   * A task that runs with the job inputs alone (no spawn entry) must get every required parameter
   * from them: otherwise each run would fail at that stage.
   */
  private void checkProvided(
      String taskId, Map<String, InputSpec> jobInputs, Node node, String path) {
    TaskClass taskClass = tasks.get(taskId);
    if (taskClass == null) {
      return; // reported where the task class is defined
    }
    for (InputSpec input : taskClass.inputs().values()) {
      boolean fromJob = jobInputs.containsKey(input.name());
      if (input.source() != InputSource.ENVIRONMENT && input.required() && !fromJob) {
        reader.problem(
            node,
            path,
            "task class '"
                + taskId
                + "' needs input '"
                + input.name()
                + "', which the job does not declare and which has no default");
      }
    }
  }
}
