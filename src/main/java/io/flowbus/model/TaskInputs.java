package io.flowbus.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Resolves the inputs of one task instance by name: spawn entry, then job input, then default.
 * Environment inputs are left to the worker that runs the task: only it knows its environment.
 */
public final class TaskInputs {
  private TaskInputs() {}

  /**
   * @param values every resolved value that does not come from the environment
   * @param missing required inputs that nothing provides
   * @param fromEnvironment inputs the worker reads from its environment
   */
  public record Resolution(
      Map<String, String> values, List<String> missing, List<InputSpec> fromEnvironment) {}

  public static Resolution resolve(
      TaskClass taskClass, Map<String, String> jobInputs, Map<String, String> entry) {
    return resolve(taskClass, jobInputs, Set.of(), entry);
  }

  /** The inputs of {@code task}, an instance of {@code run}, as its job and its entry give them. */
  public static Resolution of(Run run, TaskRun task) {
    return resolve(
        run.plan().taskClass(task.taskClass()),
        run.inputs(),
        run.plan().job().optionalInputs(),
        task.entry());
  }

  /**
   * As {@link #resolve(TaskClass, Map, Map)}, where a job input in {@code optionalJobInputs} (one
   * declared {@code required: false}, without default) that the run was not given renders as an
   * empty string when the task has no default of its own either.
   */
  public static Resolution resolve(
      TaskClass taskClass,
      Map<String, String> jobInputs,
      Set<String> optionalJobInputs,
      Map<String, String> entry) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    List<InputSpec> fromEnvironment = new ArrayList<>();
    for (InputSpec input : taskClass.inputs().values()) {
      if (input.source() == InputSource.ENVIRONMENT) {
        fromEnvironment.add(input);
        continue;
      }
      String value = firstNonNull(entry.get(input.name()), jobInputs.get(input.name()));
      value = firstNonNull(value, input.defaultValue());
      if (value == null && optionalJobInputs.contains(input.name())) {
        value = "";
      }
      if (value != null) {
        values.put(input.name(), value);
      } else if (input.required()) {
        missing.add(input.name());
      }
    }
    return new Resolution(values, missing, fromEnvironment);
  }

  /** Resolves environment inputs against {@code environment}; returns the names still missing. */
  public static List<String> resolveEnvironment(
      List<InputSpec> inputs, UnaryOperator<String> environment, Map<String, String> into) {
    List<String> missing = new ArrayList<>();
    for (InputSpec input : inputs) {
      String value =
          firstNonNull(environment.apply(input.environmentVariable()), input.defaultValue());
      if (value != null) {
        into.put(input.name(), value);
      } else if (input.required()) {
        missing.add(input.environmentVariable());
      }
    }
    return missing;
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }
}
