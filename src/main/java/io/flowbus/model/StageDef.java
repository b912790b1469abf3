package io.flowbus.model;

/**
 * One stage of a job.
 *
 * @param spawnTask the task class that writes {@code spawn.json}; null for a single task
 * @param maxParallel the most task instances of this stage running at once; 0 for no limit
 */
public record StageDef(
    String name, String taskClass, String spawnTask, boolean jobFailedOnError, int maxParallel) {

  public boolean spawns() {
    return spawnTask != null;
  }
}
