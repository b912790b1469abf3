package io.flowbus.model;

import java.util.List;

/**
 * One stage of a job.
 *
 * @param spawnTask the task class that writes {@code spawn.json}; null for a single task
 * @param maxParallel the most task instances of this stage running at once; 0 for no limit
 * @param dependsOn the names of the stages this one waits for, as declared; null if it declares
 *     none (see {@link StageGraph})
 * @param tolerance how many failed instances the stage takes before it fails
 */
public record StageDef(
    String name,
    String taskClass,
    String spawnTask,
    int maxParallel,
    List<String> dependsOn,
    FailureTolerance tolerance) {

  public StageDef {
    dependsOn = dependsOn == null ? null : List.copyOf(dependsOn);
    tolerance = tolerance == null ? FailureTolerance.NONE : tolerance;
  }

  /** A stage of the seed's format: it runs after the one before it. */
  public StageDef(
      String name, String taskClass, String spawnTask, boolean jobFailedOnError, int maxParallel) {
    this(
        name,
        taskClass,
        spawnTask,
        maxParallel,
        null,
        jobFailedOnError ? FailureTolerance.NONE : FailureTolerance.ALL);
  }

  public boolean spawns() {
    return spawnTask != null;
  }

  /** Whether the first failed instance fails the stage (and so the run). */
  public boolean jobFailedOnError() {
    return tolerance.none();
  }
}
