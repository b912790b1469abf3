package io.flowbus.model;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A job: declared inputs, stages that run in order, and whom its runs notify when they end. */
public record JobDef(
    String id,
    String name,
    String description,
    Map<String, InputSpec> inputs,
    List<StageDef> stages,
    List<NotifyTarget> notifications) {

  public JobDef {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    stages = List.copyOf(stages);
    notifications = notifications == null ? List.of() : List.copyOf(notifications);
  }

  /** A job that notifies nobody. */
  public JobDef(
      String id,
      String name,
      String description,
      Map<String, InputSpec> inputs,
      List<StageDef> stages) {
    this(id, name, description, inputs, stages, List.of());
  }

  /**
   * The inputs a trigger may leave out that have no default ({@code required: false}): a task reads
   * one left out as an empty string. Environment inputs are each worker's own.
   */
  public Set<String> optionalInputs() {
    Set<String> optional = new HashSet<>();
    inputs.values().stream()
        .filter(i -> !i.required() && i.defaultValue() == null)
        .filter(i -> i.source() != InputSource.ENVIRONMENT)
        .forEach(i -> optional.add(i.name()));
    return optional;
  }
}
