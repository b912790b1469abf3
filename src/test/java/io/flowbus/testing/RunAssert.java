package io.flowbus.testing;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.model.StageRun;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link Run}: {@code assertThat(run).hasState(SUCCEEDED).hasStages(SUCCEEDED,
 * SUCCEEDED)}. Every failure prints the whole run, stage by stage, so that the reader sees where it
 * went another way.
 */
public final class RunAssert extends AbstractAssert<RunAssert, Run> {
  private static final int TASKS_SHOWN = 20;

  RunAssert(Run actual) {
    super(actual, RunAssert.class);
  }

  public RunAssert hasState(RunState expected) {
    isNotNull();
    if (actual.state() != expected) {
      fail(String.format("to be %s but was %s", expected, actual.state()));
    }
    return this;
  }

  /** The states of the stages, in order; there are exactly as many stages. */
  public RunAssert hasStages(TaskState... expected) {
    isNotNull();
    List<TaskState> states = actual.stages().stream().map(StageRun::state).toList();
    if (!states.equals(Arrays.asList(expected))) {
      fail(String.format("to have stages %s but they were %s", Arrays.toString(expected), states));
    }
    return this;
  }

  /**
   * How many tasks of {@code stage} are in each state; a state left out must count none. The spawn
   * task is not counted.
   */
  public RunAssert hasTaskCounts(int stage, Map<TaskState, Integer> expected) {
    isNotNull();
    Map<TaskState, Integer> counts = counts(actual.stage(stage));
    Map<TaskState, Integer> wanted = new EnumMap<>(TaskState.class);
    for (TaskState state : TaskState.values()) {
      wanted.put(state, expected.getOrDefault(state, 0));
    }
    if (!counts.equals(wanted)) {
      fail(
          String.format(
              "to have in stage %d the task counts %s but they were %s", stage, wanted, counts));
    }
    return this;
  }

  public RunAssert hasTask(String taskId, TaskState expected) {
    isNotNull();
    Optional<TaskRun> task = actual.findTask(taskId);
    if (task.isEmpty()) {
      fail(String.format("to have a task %s but it has none", taskId));
    } else if (task.get().state() != expected) {
      fail(String.format("to have task %s %s but it was %s", taskId, expected, task.get().state()));
    }
    return this;
  }

  /** The outcomes of every attempt of a task, in order. */
  public RunAssert hasAttempts(String taskId, AttemptState... expected) {
    hasTaskNamed(taskId);
    List<AttemptState> states =
        actual.task(taskId).attempts().stream().map(a -> a.state()).toList();
    if (!states.equals(Arrays.asList(expected))) {
      fail(
          String.format(
              "to have the attempts %s of %s but they were %s",
              Arrays.toString(expected), taskId, states));
    }
    return this;
  }

  public RunAssert hasErrorContaining(String... parts) {
    isNotNull();
    for (String part : parts) {
      if (actual.error() == null || !actual.error().contains(part)) {
        fail(String.format("to have an error containing '%s'", part));
      }
    }
    return this;
  }

  public RunAssert hasNoError() {
    isNotNull();
    if (actual.error() != null) {
      fail("to have no error");
    }
    return this;
  }

  private void hasTaskNamed(String taskId) {
    isNotNull();
    if (actual.findTask(taskId).isEmpty()) {
      fail(String.format("to have a task %s but it has none", taskId));
    }
  }

  private void fail(String expectation) {
    failWithMessage("Expected run %s %s.%n%s", actual.id(), expectation, describe(actual));
  }

  private static Map<TaskState, Integer> counts(StageRun stage) {
    Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
    for (TaskState state : TaskState.values()) {
      counts.put(state, stage.counts().get(state));
    }
    return counts;
  }

  /** The run as a few lines: its state, then each stage with its spawn task and tasks. */
  static String describe(Run run) {
    StringBuilder text = new StringBuilder();
    text.append("run ")
        .append(run.id())
        .append(" of job ")
        .append(run.jobId())
        .append(": ")
        .append(run.state());
    if (run.error() != null) {
      text.append(" (").append(run.error()).append(')');
    }
    for (StageRun stage : run.stages()) {
      text.append(
          String.format("%n  stage %d '%s': %s", stage.index(), stage.def().name(), stage.state()));
      List<TaskRun> tasks = stage.allTasks();
      tasks.stream().limit(TASKS_SHOWN).forEach(t -> text.append(describe(t)));
      if (tasks.size() > TASKS_SHOWN) {
        text.append(String.format("%n    ... %d more", tasks.size() - TASKS_SHOWN));
      }
    }
    return text.toString();
  }

  private static String describe(TaskRun task) {
    List<AttemptState> attempts = task.attempts().stream().map(a -> a.state()).toList();
    return String.format(
        "%n    %s %s attempts %s%s",
        task.id(), task.state(), attempts, task.error() == null ? "" : " (" + task.error() + ")");
  }
}
