package io.flowbus.controller;

import io.flowbus.model.TaskRun;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Which tasks wait in the {@link ReadyQueue}: one bit per task of a stage, by run and stage. A
 * fan-out of a million tasks queues them all at once; a set of their keys would hold a string and a
 * map entry for each. Tasks are told apart by run, stage and index, not as objects: a run rolled
 * back is replayed into new ones.
 */
final class QueuedTasks {
  private final Map<String, Map<Integer, BitSet>> byRun = new HashMap<>();

  /** Notes the task as queued; false if it was already. */
  boolean add(TaskRun task) {
    BitSet bits =
        byRun
            .computeIfAbsent(task.runId(), r -> new HashMap<>())
            .computeIfAbsent(task.stage(), s -> new BitSet());
    int bit = bit(task);
    if (bits.get(bit)) {
      return false;
    }
    bits.set(bit);
    return true;
  }

  /** Notes the task as no longer queued; false if it was not. */
  boolean remove(TaskRun task) {
    Map<Integer, BitSet> stages = byRun.get(task.runId());
    BitSet bits = stages == null ? null : stages.get(task.stage());
    if (bits == null || !bits.get(bit(task))) {
      return false;
    }
    bits.clear(bit(task));
    if (bits.isEmpty()) {
      stages.remove(task.stage());
      if (stages.isEmpty()) {
        byRun.remove(task.runId());
      }
    }
    return true;
  }

  boolean contains(TaskRun task) {
    Map<Integer, BitSet> stages = byRun.get(task.runId());
    BitSet bits = stages == null ? null : stages.get(task.stage());
    return bits != null && bits.get(bit(task));
  }

  /** The spawn task (index -1) is bit 0, instance i bit i + 1. */
  private static int bit(TaskRun task) {
    return task.index() + 1;
  }
}
