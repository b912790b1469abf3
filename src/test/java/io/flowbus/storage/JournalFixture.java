package io.flowbus.storage;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A run of one fan-out stage written to a journal the way the orchestrator writes it. */
final class JournalFixture {
  static final String YAML =
      """
      tasks:
        gen: {exec_command: gen}
        each: {exec_command: each}
      jobs:
        j:
          stages: [{name: fan, spawn_task: gen, task_class: each}]
      """;
  static final Instant T = Instant.parse("2026-11-26T10:00:00Z");
  static final String RUN = "20261126-100000-000-abcd";
  static final String VERSION = "0".repeat(63) + "2";

  final DataLayout layout;
  private final String yaml;

  JournalFixture(Path data) throws Exception {
    this(data, YAML);
  }

  /** Runs of job {@code j} of {@code yaml}, a variant of {@link #YAML}. */
  JournalFixture(Path data, String yaml) throws Exception {
    layout = new DataLayout(data);
    this.yaml = yaml;
    try (JournalWriter writer = new JournalWriter(false)) {
      new RunStore(layout, writer).archiveDefinitions(VERSION, yaml);
    }
  }

  /** Every event of a run whose spawn task makes {@code n} tasks that all succeed. */
  List<RunEvent> succeededRun(int n) throws Exception {
    Definitions d = DefinitionsLoader.parse(yaml, "t.yaml");
    List<RunEvent> events = new ArrayList<>();
    events.add(
        new RunEvent.Created(
            T, RUN, RunPlan.of(d, d.jobs().get("j"), VERSION), Map.of(), Set.of()));
    events.add(new RunEvent.Started(T));
    events.add(new RunEvent.StageStarted(T, 0));
    events.add(new RunEvent.TaskDispatched(T, "s0-spawn", 1, "n1"));
    events.add(new RunEvent.TaskEnded(T, "s0-spawn", 1, AttemptState.SUCCEEDED, 0, null, null));
    events.add(new RunEvent.Spawned(T, 0, Collections.nCopies(n, Map.of())));
    for (int i = 0; i < n; i++) {
      events.add(new RunEvent.TaskDispatched(T, "s0-t" + i, 1, "n1"));
      events.add(new RunEvent.TaskEnded(T, "s0-t" + i, 1, AttemptState.SUCCEEDED, 0, null, null));
    }
    events.add(new RunEvent.StageEnded(T, 0, TaskState.SUCCEEDED, null));
    events.add(new RunEvent.Ended(T, RunState.SUCCEEDED, null));
    Files.createDirectories(layout.meta(RUN));
    Files.writeString(layout.spawnEntries(RUN, 0), "[" + "{},".repeat(n).replaceAll(",$", "]"));
    return events;
  }

  /** Journals {@code events} in order, as the orchestrator does. */
  void write(List<RunEvent> events) throws Exception {
    try (JournalWriter writer = new JournalWriter(false)) {
      RunStore store = new RunStore(layout, writer);
      Run run = Run.create((RunEvent.Created) events.get(0));
      store.record(run, events.get(0));
      for (RunEvent e : events.subList(1, events.size())) {
        run.apply(e);
        store.record(run, e).get();
      }
    }
  }

  /** Appends one event to the run as it now replays, through a new writer. */
  void append(Run run, RunEvent event) throws Exception {
    try (JournalWriter writer = new JournalWriter(false)) {
      run.apply(event);
      new RunStore(layout, writer).record(run, event).get();
    }
  }

  /** Replays the journal as an orchestrator that has just taken the data directory does. */
  Run load() throws Exception {
    try (JournalWriter writer = new JournalWriter(false)) {
      List<Run> runs = new RunStore(layout, writer).loadAll();
      if (runs.size() != 1) {
        throw new AssertionError("expected one run, got " + runs.size());
      }
      return runs.get(0);
    }
  }

  Path journal() {
    return layout.journal(RUN);
  }

  byte[] bytes() throws Exception {
    return Files.readAllBytes(journal());
  }
}
