package io.flowbus.controller;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.flowbus.model.RunPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the tests of the run coordinator build their runs from. */
final class CoordinatorFixtures {
  private CoordinatorFixtures() {}

  /** The plan of {@code job} in the definitions {@code yaml}. */
  static RunPlan plan(String yaml, String job) {
    try {
      Definitions d = DefinitionsLoader.parse(yaml, "test.yaml");
      return RunPlan.of(d, d.jobs().get(job), "v1");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** {@code n} spawn entries, {@code item} = {@code item-0}, {@code item-1}, … */
  static List<Map<String, String>> entries(int n) {
    List<Map<String, String>> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(Map.of("item", "item-" + i));
    }
    return entries;
  }
}
