package io.flowbus.controller;

import io.flowbus.model.Run;
import io.flowbus.model.TaskRun;
import java.util.Collection;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The runs the orchestrator holds, by id (ids sort by creation time). Touched on the orchestrator's
 * event loop only.
 */
final class Runs {
  private final NavigableMap<String, Run> byId = new TreeMap<>();

  /** The run, or null if there is none with that id. */
  Run get(String runId) {
    return byId.get(runId);
  }

  /** The task as the run holds it now, if both exist. */
  Optional<TaskRun> task(String runId, String taskId) {
    Run run = byId.get(runId);
    return run == null ? Optional.empty() : run.findTask(taskId);
  }

  boolean contains(String runId) {
    return byId.containsKey(runId);
  }

  void put(Run run) {
    byId.put(run.id(), run);
  }

  void remove(String runId) {
    byId.remove(runId);
  }

  Collection<Run> all() {
    return byId.values();
  }

  /** Newest first; only those created before {@code after} if it is not null. */
  Collection<Run> newestFirst(String after) {
    return (after == null ? byId : byId.headMap(after, false)).descendingMap().values();
  }

  /** The id of the newest run; null if none. */
  String lastId() {
    return byId.isEmpty() ? null : byId.lastKey();
  }

  int size() {
    return byId.size();
  }

  long notEnded() {
    return byId.values().stream().filter(r -> !r.state().ended()).count();
  }
}
