package io.flowbus.controller;

import io.flowbus.model.TaskRun;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The waiting tasks of one run, one lane per stage, served in turn: stages that run at the same
 * time share the run's turns, and a stage held back by its {@code max_parallel} does not hold back
 * the others.
 */
final class RunLanes {
  private final Map<Integer, ArrayDeque<TaskRun>> byStage = new HashMap<>();
  private final ArrayDeque<Integer> turns = new ArrayDeque<>();

  void add(TaskRun task, boolean first) {
    ArrayDeque<TaskRun> lane = byStage.get(task.stage());
    if (lane == null) {
      lane = new ArrayDeque<>();
      byStage.put(task.stage(), lane);
      turns.addLast(task.stage());
    }
    if (first) {
      lane.addFirst(task);
    } else {
      lane.addLast(task);
    }
  }

  /**
   * The next task that may start, taking stages in turn; tasks no longer waiting are handed to
   * {@code dropped}. Null if no stage has a task that may start now.
   */
  TaskRun next(
      Predicate<TaskRun> stillWaiting, Predicate<TaskRun> mayStart, Consumer<TaskRun> dropped) {
    for (int i = turns.size(); i > 0; i--) {
      Integer stage = turns.pollFirst();
      ArrayDeque<TaskRun> lane = byStage.get(stage);
      while (!lane.isEmpty() && !stillWaiting.test(lane.peekFirst())) {
        dropped.accept(lane.pollFirst());
      }
      if (lane.isEmpty()) {
        byStage.remove(stage);
        continue;
      }
      turns.addLast(stage);
      if (mayStart.test(lane.peekFirst())) {
        return lane.pollFirst();
      }
    }
    return null;
  }

  boolean isEmpty() {
    return byStage.isEmpty();
  }

  void forEach(Consumer<TaskRun> action) {
    byStage.values().forEach(lane -> lane.forEach(action));
  }
}
