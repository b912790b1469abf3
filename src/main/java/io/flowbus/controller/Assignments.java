package io.flowbus.controller;

import io.flowbus.cluster.TaskAssignment;
import io.flowbus.model.ArgTemplate;
import io.flowbus.model.Run;
import io.flowbus.model.TaskClass;
import io.flowbus.model.TaskInputs;
import io.flowbus.model.TaskRun;
import java.util.List;

/** Builds what a worker gets for one attempt of a task. */
final class Assignments {
  private Assignments() {}

  /** A task whose required inputs nothing provides: it cannot run anywhere. */
  static final class MissingInputsException extends Exception {
    private static final long serialVersionUID = 1L;

    MissingInputsException(List<String> missing) {
      super(
          "missing input"
              + (missing.size() == 1 ? " " : "s ")
              + String.join(", ", missing.stream().map(n -> "'" + n + "'").toList())
              + ": neither the spawn entry nor the job inputs provide "
              + (missing.size() == 1 ? "it" : "them")
              + " and there is no default");
    }
  }

  static TaskAssignment of(Run run, TaskRun task, int attempt) throws MissingInputsException {
    TaskClass taskClass = run.plan().taskClass(task.taskClass());
    TaskInputs.Resolution inputs = TaskInputs.of(run, task);
    if (!inputs.missing().isEmpty()) {
      throw new MissingInputsException(inputs.missing());
    }
    List<String> secrets = run.secretValues();
    return new TaskAssignment(
        run.id(),
        task.id(),
        attempt,
        task.stage(),
        task.index(),
        task.kind(),
        taskClass.execCommand().text(),
        taskClass.execArgs().stream().map(ArgTemplate::text).toList(),
        inputs.values(),
        inputs.fromEnvironment(),
        secrets,
        taskClass.timeout() == null ? 0 : taskClass.timeout().toMillis());
  }
}
