package io.flowbus.model;

import java.util.List;
import java.util.Map;

/**
 * What the tasks of one stage share: their run, stage, kind and class, the counts of their states
 * and the stage's spawn entries. Kept once per stage, not in each of a large fan-out's tasks.
 *
 * @param entries the spawn entries by task index; empty for a spawn task or a single task
 */
record TaskGroup(
    String runId,
    int stage,
    TaskKind kind,
    String taskClass,
    TaskCounts counts,
    List<Map<String, String>> entries) {

  /** The entry of the task at {@code index}; empty when the stage has no spawn entries. */
  Map<String, String> entry(int index) {
    return index >= 0 && index < entries.size() ? entries.get(index) : Map.of();
  }
}
