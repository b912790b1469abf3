package io.flowbus.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A validated definitions file: task classes and jobs by id, in file order. */
public record Definitions(Map<String, TaskClass> tasks, Map<String, JobDef> jobs) {

  public Definitions {
    tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    jobs = Collections.unmodifiableMap(new LinkedHashMap<>(jobs));
  }

  public Optional<JobDef> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }
}
