package io.flowbus.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A job: declared inputs and stages that run in order. */
public record JobDef(
    String id,
    String name,
    String description,
    Map<String, InputSpec> inputs,
    List<StageDef> stages) {

  public JobDef {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    stages = List.copyOf(stages);
  }
}
