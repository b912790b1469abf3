package io.flowbus.controller;

import static io.flowbus.testing.DefinitionsBuilder.aDefinitions;
import static io.flowbus.testing.DefinitionsBuilder.fanOutJob;
import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.JobBuilder.aJob;
import static io.flowbus.testing.RunBuilder.aRun;
import static io.flowbus.testing.RunEvents.dispatched;
import static io.flowbus.testing.RunEvents.spawned;
import static io.flowbus.testing.RunEvents.stageStarted;
import static io.flowbus.testing.RunEvents.succeeded;
import static io.flowbus.testing.TaskClassBuilder.aTask;

import io.flowbus.model.Run;
import io.flowbus.model.TaskRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  @Test
  void aStageHeldBackByItsLimitDoesNotHoldBackAStageBesideItInTheSameRun() {
    ReadyQueue queue = new ReadyQueue();
    Run run = twoFanOutsAtOnce(1000, 2);
    run.stage(0).tasks().forEach(t -> queue.add(t, NOW));
    run.stage(1).tasks().forEach(t -> queue.add(t, NOW));

    List<String> started = new ArrayList<>();
    for (TaskRun t = queue.next(x -> true, x -> x.stage() != 0);
        t != null;
        t = queue.next(x -> true, x -> x.stage() != 0)) {
      started.add(t.id());
    }

    assertThat(started).containsExactly("s1-t0", "s1-t1");
    assertThat(queue.size()).as("stage 0 waits, nothing dropped").isEqualTo(1000);
  }

  @Test
  void stagesOfOneRunThatRunTogetherTakeTurns() {
    ReadyQueue queue = new ReadyQueue();
    Run run = twoFanOutsAtOnce(3, 3);
    run.stage(0).tasks().forEach(t -> queue.add(t, NOW));
    run.stage(1).tasks().forEach(t -> queue.add(t, NOW));

    List<Integer> stages =
        IntStream.range(0, 6).mapToObj(i -> queue.next(t -> true, t -> true).stage()).toList();

    assertThat(stages).containsExactly(0, 1, 0, 1, 0, 1);
  }

  /** A run whose two fan-out stages depend on nothing: both spawned, {@code a} and {@code b}. */
  private static Run twoFanOutsAtOnce(int a, int b) {
    var plan =
        aDefinitions()
            .task(aTask("g"))
            .task(aTask("w"))
            .job(
                aJob("j")
                    .spawnStage("a", "g", "w")
                    .withStage("depends_on", List.of())
                    .spawnStage("b", "g", "w")
                    .withStage("depends_on", List.of()))
            .plan("j");
    return aRun()
        .withPlan(plan)
        .started()
        .then(stageStarted(0), stageStarted(1))
        .then(dispatched("s0-spawn", 1), succeeded("s0-spawn", 1), spawned(0, a))
        .then(dispatched("s1-spawn", 1), succeeded("s1-spawn", 1), spawned(1, b))
        .build();
  }

  private static List<TaskRun> spawnedTasks(String runId, int n) {
    return aRun()
        .withPlan(fanOutJob("j", "g", "w").plan("j"))
        .withId(runId)
        .inFirstStage()
        .then(dispatched("s0-spawn", 1), succeeded("s0-spawn", 1), spawned(0, n))
        .build()
        .stage(0)
        .tasks();
  }
}
