package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.TaskRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReadyQueueTest {
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

  @Test
  void aOneTaskRunIsServedNextEvenBehindAHundredThousandTasks() {
    ReadyQueue queue = new ReadyQueue();
    spawnedTasks("big", 100_000).forEach(t -> queue.add(t, NOW));
    queue.next(t -> true, t -> true);
    TaskRun small = spawnedTasks("small", 1).get(0);
    queue.add(small, NOW);

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      order.add(queue.next(t -> true, t -> true).runId());
    }

    assertThat(order).contains("small");
    assertThat(queue.size()).isEqualTo(100_000 - 3);
  }

  @Test
  void runsTakeTurns() {
    ReadyQueue queue = new ReadyQueue();
    spawnedTasks("a", 3).forEach(t -> queue.add(t, NOW));
    spawnedTasks("b", 3).forEach(t -> queue.add(t, NOW));

    List<String> order =
        IntStream.range(0, 6).mapToObj(i -> queue.next(t -> true, t -> true).runId()).toList();

    assertThat(order).containsExactly("a", "b", "a", "b", "a", "b");
    assertThat(queue.next(t -> true, t -> true)).isNull();
  }

  @Test
  void aRunThatMayNotStartMoreIsSkippedNotDropped() {
    ReadyQueue queue = new ReadyQueue();
    spawnedTasks("limited", 2).forEach(t -> queue.add(t, NOW));
    spawnedTasks("free", 1).forEach(t -> queue.add(t, NOW));

    TaskRun next = queue.next(t -> true, t -> !t.runId().equals("limited"));

    assertThat(next.runId()).isEqualTo("free");
    assertThat(queue.next(t -> true, t -> !t.runId().equals("limited"))).isNull();
    assertThat(queue.next(t -> true, t -> true).runId()).isEqualTo("limited");
  }

  @Test
  void tasksNoLongerWaitingAreDroppedAndATaskIsQueuedOnce() {
    ReadyQueue queue = new ReadyQueue();
    List<TaskRun> tasks = spawnedTasks("r", 3);
    tasks.forEach(t -> queue.add(t, NOW));
    queue.add(tasks.get(0), NOW);
    assertThat(queue.size()).isEqualTo(3);

    TaskRun next = queue.next(t -> !t.id().equals("s0-t0"), t -> true);

    assertThat(next.id()).isEqualTo("s0-t1");
    assertThat(queue.size()).isEqualTo(1);
  }

  private static List<TaskRun> spawnedTasks(String runId, int n) {
    try {
      Definitions d =
          DefinitionsLoader.parse(
              "tasks: {g: {exec_command: g}, w: {exec_command: w}}\n"
                  + "jobs: {j: {stages: [{name: s, spawn_task: g, task_class: w}]}}\n",
              "t.yaml");
      Run run =
          Run.create(
              new RunEvent.Created(
                  NOW, runId, RunPlan.of(d, d.jobs().get("j"), "v"), Map.of(), Set.of()));
      run.apply(new RunEvent.Started(NOW));
      run.apply(new RunEvent.StageStarted(NOW, 0));
      run.apply(new RunEvent.TaskDispatched(NOW, "s0-spawn", 1, "n1"));
      run.apply(
          new RunEvent.TaskEnded(
              NOW, "s0-spawn", 1, io.flowbus.model.AttemptState.SUCCEEDED, 0, null, null));
      List<Map<String, String>> entries = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        entries.add(Map.of());
      }
      run.apply(new RunEvent.Spawned(NOW, 0, entries));
      return run.stage(0).tasks();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
