package io.flowbus.model;

import java.util.Map;

/**
 * What a run executes, fixed when it is created so that a definitions change never alters it.
 *
 * @param definitionsVersion the content hash of the definitions text the plan was taken from
 */
public record RunPlan(JobDef job, Map<String, TaskClass> taskClasses, String definitionsVersion) {

  public RunPlan {
    taskClasses = Map.copyOf(taskClasses);
  }

  public static RunPlan of(Definitions definitions, JobDef job, String definitionsVersion) {
    Map<String, TaskClass> used = new java.util.HashMap<>();
    for (StageDef stage : job.stages()) {
      used.put(stage.taskClass(), definitions.tasks().get(stage.taskClass()));
      if (stage.spawns()) {
        used.put(stage.spawnTask(), definitions.tasks().get(stage.spawnTask()));
      }
    }
    return new RunPlan(job, used, definitionsVersion);
  }

  public TaskClass taskClass(String id) {
    TaskClass taskClass = taskClasses.get(id);
    if (taskClass == null) {
      throw new IllegalArgumentException("the plan has no task class " + id);
    }
    return taskClass;
  }
}
