package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Changes;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunCoordinatorTest {
  private static final String YAML =
      """
      tasks:
        one: {exec_command: "true"}
        gen: {exec_command: gen}
        each:
          exec_command: work
          retries: 2
          retry_backoff: 10s
          input: {item: {source: parameter}}
        strict-each:
          exec_command: work
          input: {item: {source: parameter}}
      jobs:
        fanout:
          stages:
            - {name: first, task_class: one, job_failed_on_error: true}
            - {name: fan, spawn_task: gen, task_class: each, job_failed_on_error: false}
            - {name: last, task_class: one, job_failed_on_error: true}
        strict:
          stages:
            - {name: fan, spawn_task: gen, task_class: strict-each, job_failed_on_error: true}
            - {name: never, task_class: one, job_failed_on_error: true}
      """;

  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-26T10:00:00Z"));
  private final FakeEffects effects = new FakeEffects();
  private final RunCoordinator coordinator = new RunCoordinator(clock, effects);

  @Test
  void runsStagesInOrderAndFansOutOverSpawnEntries() {
    Run run = started("fanout");
    assertThat(effects.readyIds()).containsExactly("s0-t0");

    succeed(run, "s0-t0");
    assertThat(run.stage(0).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.stage(1).state()).isEqualTo(TaskState.RUNNING);
    assertThat(effects.readyIds()).containsExactly("s1-spawn");

    spawn(run, 1, entries(3));
    assertThat(effects.readyIds()).containsExactly("s1-t0", "s1-t1", "s1-t2");
    assertThat(run.stage(1).counts().total()).isEqualTo(3);

    for (String id : List.of("s1-t0", "s1-t1", "s1-t2")) {
      succeed(run, id);
    }
    assertThat(effects.readyIds()).containsExactly("s2-t0");
    succeed(run, "s2-t0");

    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.stages()).allMatch(s -> s.state() == TaskState.SUCCEEDED);
  }

  @Test
  void anEmptySpawnFileMeansZeroTasksAndTheStageSucceeds() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, List.of());
    assertThat(run.stage(1).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(effects.readyIds()).containsExactly("s2-t0");
  }

  @Test
  void aFailedSpawnTaskFailsTheStageAndTheRun() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    TaskRun spawn = run.task("s1-spawn");
    dispatch(run, spawn);
    coordinator.ended(run, spawn, 1, AttemptState.FAILED, 0, "spawn.json is missing", null);

    assertThat(run.stage(1).state()).isEqualTo(TaskState.FAILED);
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.error()).contains("stage 1 'fan' failed").contains("spawn.json is missing");
    assertThat(run.stage(2).state()).isEqualTo(TaskState.SKIPPED);
    assertThat(run.stage(2).error()).isEqualTo("stage 1 'fan' did not succeed");
  }

  @Test
  void withJobFailedOnErrorFalseFailuresAreCountedAndTheRunGoesOn() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, entries(2));
    for (int attempt = 1; attempt <= 3; attempt++) {
      TaskRun task = run.task("s1-t0");
      dispatch(run, task);
      coordinator.ended(run, task, attempt, AttemptState.FAILED, 1, "exited with code 1", null);
      clock.advance(Duration.ofMinutes(5));
    }
    succeed(run, "s1-t1");

    assertThat(run.task("s1-t0").state()).isEqualTo(TaskState.FAILED);
    assertThat(run.task("s1-t0").attempts()).hasSize(3);
    assertThat(run.stage(1).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.stage(1).counts().get(TaskState.FAILED)).isEqualTo(1);
    assertThat(run.state()).isEqualTo(RunState.RUNNING);
    succeed(run, "s2-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void retriesWaitOutABackoffThatDoubles() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, entries(1));
    TaskRun task = run.task("s1-t0");
    Instant start = clock.instant();

    dispatch(run, task);
    coordinator.ended(run, task, 1, AttemptState.FAILED, 1, "exited with code 1", null);
    assertThat(task.state()).isEqualTo(TaskState.PENDING);
    assertThat(task.notBefore()).isEqualTo(start.plusSeconds(10));

    dispatch(run, task);
    coordinator.ended(run, task, 2, AttemptState.FAILED, 1, "exited with code 1", null);
    assertThat(task.notBefore()).isEqualTo(start.plusSeconds(20));

    dispatch(run, task);
    coordinator.ended(run, task, 3, AttemptState.SUCCEEDED, 0, null, null);
    assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(task.error()).isNull();
  }

  @Test
  void withJobFailedOnErrorTrueAFailureStopsTheStage() {
    Run run = started("strict");
    spawn(run, 0, entries(4));
    TaskRun t0 = run.task("s0-t0");
    TaskRun t1 = run.task("s0-t1");
    dispatch(run, t0);
    dispatch(run, t1);

    coordinator.ended(run, t0, 1, AttemptState.FAILED, 2, "exited with code 2", null);

    assertThat(run.task("s0-t2").state()).isEqualTo(TaskState.CANCELLED);
    assertThat(run.task("s0-t3").state()).isEqualTo(TaskState.CANCELLED);
    assertThat(effects.stopped).containsExactly("s0-t1");
    assertThat(run.stage(0).state()).isEqualTo(TaskState.RUNNING);

    coordinator.ended(run, t1, 1, AttemptState.CANCELLED, 143, "stopped", null);
    assertThat(run.stage(0).state()).isEqualTo(TaskState.FAILED);
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.error()).contains("task s0-t0 failed: exited with code 2");
    assertThat(run.stage(1).state()).isEqualTo(TaskState.SKIPPED);
  }

  @Test
  void aLostAttemptRunsAgainWithoutCountingAsAFailure() {
    Run run = started("strict");
    spawn(run, 0, entries(1));
    TaskRun task = run.task("s0-t0");
    dispatch(run, task);
    effects.ready.clear();

    coordinator.ended(run, task, 1, AttemptState.LOST, null, "node n1 left the cluster", null);

    assertThat(task.state()).isEqualTo(TaskState.PENDING);
    assertThat(effects.readyIds()).containsExactly("s0-t0");
    assertThat(run.state()).isEqualTo(RunState.RUNNING);
    dispatch(run, task);
    coordinator.ended(run, task, 2, AttemptState.SUCCEEDED, 0, null, null);
    assertThat(task.attempts())
        .extracting(a -> a.state())
        .containsExactly(AttemptState.LOST, AttemptState.SUCCEEDED);
  }

  @Test
  void aTaskThatKeepsLosingItsWorkerFailsInTheEnd() {
    Run run = started("strict");
    spawn(run, 0, entries(1));
    TaskRun task = run.task("s0-t0");
    for (int attempt = 1; attempt <= AttemptOutcomes.MAX_LOST; attempt++) {
      dispatch(run, task);
      coordinator.ended(run, task, attempt, AttemptState.LOST, null, "node left", null);
    }
    assertThat(task.state()).isEqualTo(TaskState.FAILED);
    assertThat(task.error()).contains("lost its worker " + AttemptOutcomes.MAX_LOST + " times");
    assertThat(run.state()).isEqualTo(RunState.FAILED);
  }

  @Test
  void aResultOfAnAttemptGivenUpIsNotAppliedTwice() {
    Run run = started("strict");
    spawn(run, 0, entries(1));
    TaskRun task = run.task("s0-t0");
    dispatch(run, task);
    coordinator.ended(run, task, 1, AttemptState.LOST, null, "lost", null);
    dispatch(run, task);

    boolean applied = coordinator.ended(run, task, 1, AttemptState.SUCCEEDED, 0, null, null);

    assertThat(applied).isFalse();
    assertThat(task.state()).isEqualTo(TaskState.RUNNING);
    assertThat(coordinator.ended(run, task, 2, AttemptState.SUCCEEDED, 0, null, null)).isTrue();
    assertThat(coordinator.ended(run, task, 2, AttemptState.SUCCEEDED, 0, null, null)).isFalse();
    assertThat(run.stage(0).counts().get(TaskState.SUCCEEDED)).isEqualTo(1);
  }

  @Test
  void aDamagedRunTakesNoResultAndRecordsNothing() {
    Run run = started("strict");
    spawn(run, 0, entries(2));
    TaskRun task = run.task("s0-t0");
    dispatch(run, task);
    run.damage("journal line 9 is corrupt");
    effects.ready.clear();
    int recorded = effects.events.size();

    boolean applied = coordinator.ended(run, task, 1, AttemptState.SUCCEEDED, 0, null, null);
    boolean lost = coordinator.ended(run, task, 1, AttemptState.LOST, null, "node left", null);

    assertThat(applied).isFalse();
    assertThat(lost).isFalse();
    assertThat(effects.events).hasSize(recorded);
    assertThat(effects.ready).isEmpty();
    assertThat(run.state()).isEqualTo(RunState.DAMAGED);
    assertThat(run.hasRunningTasks()).as("a damaged run follows no task").isFalse();
  }

  @Test
  void cancelCancelsPendingTasksAndStopsRunningOnes() {
    Run run = started("strict");
    spawn(run, 0, entries(3));
    TaskRun running = run.task("s0-t0");
    dispatch(run, running);

    coordinator.cancel(run, "cancelled on request");

    assertThat(run.state()).isEqualTo(RunState.CANCELLED);
    assertThat(run.task("s0-t1").state()).isEqualTo(TaskState.CANCELLED);
    assertThat(effects.stopped).containsExactly("s0-t0");
    assertThat(run.hasRunningTasks()).isTrue();
    coordinator.ended(run, running, 1, AttemptState.CANCELLED, 143, "cancelled on request", null);
    assertThat(run.hasRunningTasks()).isFalse();
    assertThat(running.state()).isEqualTo(TaskState.CANCELLED);
  }

  @Test
  void aRunCreatedWithoutStartWaits() {
    Run run = coordinator.create("r1", plan("fanout"), Map.of(), Set.of());
    assertThat(run.state()).isEqualTo(RunState.CREATED);
    assertThat(effects.ready).isEmpty();
    coordinator.start(run);
    assertThat(effects.readyIds()).containsExactly("s0-t0");
  }

  @Test
  void aRejectedTaskFailsWithoutRunning() {
    Run run = started("strict");
    spawn(run, 0, entries(2));
    coordinator.rejected(run, run.task("s0-t1"), "missing input 'item'");
    assertThat(run.task("s0-t1").state()).isEqualTo(TaskState.FAILED);
    assertThat(run.task("s0-t1").attempts()).isEmpty();
    assertThat(run.task("s0-t0").state()).isEqualTo(TaskState.CANCELLED);
    assertThat(run.state()).isEqualTo(RunState.FAILED);
  }

  @Test
  void anErrorQuotingASecretCutShortIsMaskedInTheRunAndItsEvents() {
    String secret = "Bearer " + "k".repeat(329);
    Run run = coordinator.create("r1", plan("fanout"), Map.of("auth", secret), Set.of("auth"));
    coordinator.start(run);
    succeed(run, "s0-t0");
    TaskRun spawn = run.task("s1-spawn");
    dispatch(run, spawn);

    String quoted =
        "spawn.json is malformed: Unrecognized token '" + secret.substring(0, 256) + "'";
    coordinator.ended(run, spawn, 1, AttemptState.FAILED, 0, quoted, null);

    String head = secret.substring(0, 8);
    assertThat(run.error()).contains("Unrecognized token '***'").doesNotContain(head);
    assertThat(spawn.error()).doesNotContain(head);
    // the created event holds the inputs themselves: the journal masks those by name
    assertThat(effects.events.subList(1, effects.events.size()))
        .extracting(Object::toString)
        .noneMatch(e -> e.contains(head));
  }

  @Test
  void aRejectionQuotingASecretIsMasked() {
    String secret = "Bearer 0123456789";
    Run run = coordinator.create("r1", plan("strict"), Map.of("auth", secret), Set.of("auth"));
    coordinator.start(run);
    spawn(run, 0, entries(1));

    coordinator.rejected(run, run.task("s0-t0"), "bad input " + secret.substring(0, 9));

    assertThat(run.task("s0-t0").error()).isEqualTo("bad input ***");
    assertThat(run.error()).doesNotContain(secret.substring(0, 8));
  }

  @Test
  void everyEventIsRecordedInOrderSoThatReplayingThemRebuildsTheRun() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, entries(2));
    succeed(run, "s1-t0");

    Run replayed = Run.create((RunEvent.Created) effects.events.get(0));
    effects.events.subList(1, effects.events.size()).forEach(replayed::apply);

    assertThat(replayed.state()).isEqualTo(run.state());
    assertThat(replayed.version()).isEqualTo(run.version());
    for (int i = 0; i < run.stages().size(); i++) {
      assertThat(replayed.stage(i).state()).isEqualTo(run.stage(i).state());
      assertThat(replayed.stage(i).counts().total()).isEqualTo(run.stage(i).counts().total());
    }
    assertThat(replayed.task("s1-t0").state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(replayed.task("s1-t1").state()).isEqualTo(TaskState.PENDING);
  }

  // ---- helpers -----------------------------------------------------------------------------

  private Run started(String job) {
    Run run = coordinator.create("r1", plan(job), Map.of(), Set.of());
    coordinator.start(run);
    return run;
  }

  private static RunPlan plan(String job) {
    return CoordinatorFixtures.plan(YAML, job);
  }

  private void dispatch(Run run, TaskRun task) {
    coordinator.dispatched(run, task, task.attempts().size() + 1, "n1");
  }

  private void succeed(Run run, String taskId) {
    TaskRun task = run.task(taskId);
    dispatch(run, task);
    effects.ready.clear();
    coordinator.ended(run, task, task.attempts().size(), AttemptState.SUCCEEDED, 0, null, null);
  }

  private void spawn(Run run, int stage, List<Map<String, String>> entries) {
    TaskRun spawn = run.task(io.flowbus.model.TaskId.spawn(stage).toString());
    dispatch(run, spawn);
    effects.ready.clear();
    coordinator.ended(run, spawn, 1, AttemptState.SUCCEEDED, 0, null, entries);
  }

  private static List<Map<String, String>> entries(int n) {
    return CoordinatorFixtures.entries(n);
  }

  /** Records what the coordinator asked for. */
  static final class FakeEffects implements RunCoordinator.Effects {
    final List<RunEvent> events = new ArrayList<>();
    final List<TaskRun> ready = new ArrayList<>();
    final List<String> stopped = new ArrayList<>();

    @Override
    public void recorded(Run run, RunEvent event, Changes changes) {
      events.add(event);
    }

    @Override
    public void ready(TaskRun task) {
      ready.add(task);
    }

    @Override
    public void stop(TaskRun task, String reason) {
      stopped.add(task.id());
    }

    List<String> readyIds() {
      return ready.stream().map(TaskRun::id).toList();
    }
  }

  /** A clock the test moves by hand. */
}
