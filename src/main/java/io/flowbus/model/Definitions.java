package io.flowbus.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A validated definitions file: task classes, jobs and schedules by id, in file order. */
public record Definitions(
    Map<String, TaskClass> tasks, Map<String, JobDef> jobs, Map<String, ScheduleDef> schedules) {

  public Definitions {
    tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    jobs = Collections.unmodifiableMap(new LinkedHashMap<>(jobs));
    schedules = Collections.unmodifiableMap(new LinkedHashMap<>(schedules));
  }

  /** Definitions without schedules. */
  public Definitions(Map<String, TaskClass> tasks, Map<String, JobDef> jobs) {
    this(tasks, jobs, Map.of());
  }

  public Optional<JobDef> job(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  public Optional<ScheduleDef> schedule(String id) {
    return Optional.ofNullable(schedules.get(id));
  }
}
