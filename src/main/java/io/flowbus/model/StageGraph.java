package io.flowbus.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which stages each stage of a job waits for. If no stage declares {@code depends_on}, each waits
 * for the one before it (the seed's format); if any does, each waits exactly for the ones it names
 * (the loader has checked that the names are unique and known and that there is no cycle).
 */
public final class StageGraph {
  private final List<StageDef> stages;
  private final List<List<Integer>> dependencies = new ArrayList<>();
  private final boolean declared;

  private StageGraph(List<StageDef> stages) {
    this.stages = stages;
    this.declared = stages.stream().anyMatch(s -> s.dependsOn() != null);
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      byName.putIfAbsent(stages.get(i).name(), i);
    }
    for (int i = 0; i < stages.size(); i++) {
      List<String> names = stages.get(i).dependsOn();
      if (!declared) {
        dependencies.add(i == 0 ? List.of() : List.of(i - 1));
      } else if (names == null) {
        dependencies.add(List.of());
      } else {
        dependencies.add(names.stream().map(byName::get).toList());
      }
    }
  }

  public static StageGraph of(JobDef job) {
    return new StageGraph(job.stages());
  }

  /** Whether the job declares its graph ({@code depends_on}) rather than running in sequence. */
  public boolean declared() {
    return declared;
  }

  /** The indices of the stages stage {@code index} waits for. */
  public List<Integer> dependencies(int index) {
    return dependencies.get(index);
  }

  /** The names of the stages stage {@code index} waits for. */
  public List<String> dependencyNames(int index) {
    return dependencies(index).stream().map(i -> stages.get(i).name()).toList();
  }
}
