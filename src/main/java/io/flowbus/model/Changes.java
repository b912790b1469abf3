package io.flowbus.model;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What one applied event changed: the run itself, some stages, some tasks. */
public final class Changes {
  private boolean run;
  private final TreeSet<Integer> stages = new TreeSet<>();
  private final List<TaskRun> tasks = new ArrayList<>();

  void run() {
    run = true;
  }

  void stage(int index) {
    stages.add(index);
  }

  void task(TaskRun task) {
    tasks.add(task);
  }

  void tasks(List<TaskRun> changed) {
    tasks.addAll(changed);
  }

  public boolean runChanged() {
    return run;
  }

  public List<Integer> stages() {
    return List.copyOf(stages);
  }

  public List<TaskRun> tasks() {
    return tasks;
  }
}
