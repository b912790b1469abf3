package io.flowbus.model;

import java.util.EnumMap;
import java.util.Map;

/** How many task instances of a stage are in each state, kept as tasks change state. */
public final class TaskCounts {
  private final Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);

  void added(TaskState state) {
    counts.merge(state, 1, Integer::sum);
  }

  void moved(TaskState from, TaskState to) {
    counts.merge(from, -1, Integer::sum);
    counts.merge(to, 1, Integer::sum);
  }

  public int get(TaskState state) {
    return counts.getOrDefault(state, 0);
  }

  public int total() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Tasks that have not ended yet. */
  public int open() {
    return get(TaskState.PENDING) + get(TaskState.RUNNING);
  }
}
