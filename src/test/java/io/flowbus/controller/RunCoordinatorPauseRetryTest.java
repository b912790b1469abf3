package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.model.Attempt;
import io.flowbus.model.AttemptState;
import io.flowbus.model.IllegalTransitionException;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskId;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.testing.SettableClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pause holds what a run gives out, resume lets it go; retry runs again what did not succeed. */
class RunCoordinatorPauseRetryTest {
  private static final String YAML =
      """
      tasks:
        one: {exec_command: "true"}
        gen: {exec_command: gen}
        each:
          exec_command: work
          input: {item: {source: parameter}}
        flaky: {exec_command: work, retries: 1, retry_backoff: 10s}
      jobs:
        fanout:
          stages:
            - {name: first, task_class: one, job_failed_on_error: true}
            - {name: fan, spawn_task: gen, task_class: each, job_failed_on_error: true}
            - {name: last, task_class: one, job_failed_on_error: true}
        flaky:
          stages:
            - {name: only, task_class: flaky, job_failed_on_error: true}
      """;

  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-26T10:00:00Z"));
  private final RunCoordinatorTest.FakeEffects effects = new RunCoordinatorTest.FakeEffects();
  private final RunCoordinator coordinator = new RunCoordinator(clock, effects);

  // ---- pause and resume --------------------------------------------------------------------

  @Test
  void aPausedRunGivesOutNothingNewButTakesTheResultsOfWhatRuns() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, 3);
    dispatch(run, "s1-t0");
    dispatch(run, "s1-t1");
    effects.ready.clear();

    coordinator.pause(run);
    end(run, "s1-t0", AttemptState.SUCCEEDED);
    coordinator.ended(run, run.task("s1-t1"), 1, AttemptState.LOST, null, "node left", null);

    assertThat(run.state()).isEqualTo(RunState.PAUSED);
    assertThat(run.task("s1-t0").state())
        .as("a result while paused is kept")
        .isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.task("s1-t1").state()).isEqualTo(TaskState.PENDING);
    assertThat(run.task("s1-t2").state()).isEqualTo(TaskState.PENDING);
    assertThat(effects.events).filteredOn(e -> e instanceof RunEvent.Paused).hasSize(1);
  }

  @Test
  void resumeGivesOutEveryPendingTaskAgainAndTheRunFinishes() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, 3);
    dispatch(run, "s1-t0");
    coordinator.pause(run);
    effects.ready.clear();

    coordinator.resume(run);

    assertThat(run.state()).isEqualTo(RunState.RUNNING);
    assertThat(effects.readyIds()).containsExactly("s1-t1", "s1-t2");
    for (String id : List.of("s1-t0")) {
      end(run, id, AttemptState.SUCCEEDED);
    }
    succeed(run, "s1-t1");
    succeed(run, "s1-t2");
    succeed(run, "s2-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aStageThatEndsWhilePausedStartsNoNextStageUntilResumed() {
    Run run = started("fanout");
    dispatch(run, "s0-t0");
    coordinator.pause(run);
    effects.ready.clear();

    end(run, "s0-t0", AttemptState.SUCCEEDED);

    assertThat(run.stage(0).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.stage(1).state()).isEqualTo(TaskState.PENDING);
    assertThat(effects.ready).isEmpty();
    assertThat(run.state()).isEqualTo(RunState.PAUSED);

    coordinator.resume(run);
    assertThat(run.stage(1).state()).isEqualTo(TaskState.RUNNING);
    assertThat(effects.readyIds()).containsExactly("s1-spawn");
  }

  @Test
  void aPausedRunStillFailsWhenATaskThatRanFailsIt() {
    Run run = started("fanout");
    dispatch(run, "s0-t0");
    coordinator.pause(run);

    end(run, "s0-t0", AttemptState.FAILED);

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.stage(1).state()).isEqualTo(TaskState.SKIPPED); // after the failed stage
  }

  @Test
  void aPausedRunEndsWhenItsLastRunningTasksFinishTheWork() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, 1);
    succeed(run, "s1-t0");
    dispatch(run, "s2-t0");
    coordinator.pause(run);

    end(run, "s2-t0", AttemptState.SUCCEEDED);

    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aPausedRunCanBeCancelled() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, 2);
    dispatch(run, "s1-t0");
    coordinator.pause(run);

    coordinator.cancel(run, "cancelled on request");

    assertThat(run.state()).isEqualTo(RunState.CANCELLED);
    assertThat(run.task("s1-t1").state()).isEqualTo(TaskState.CANCELLED);
    assertThat(effects.stopped).containsExactly("s1-t0");
  }

  @Test
  void aRunThatIsNotPausedCannotBeResumedNorARunningOnePausedTwice() {
    Run run = started("fanout");
    assertThatThrownBy(() -> coordinator.resume(run)).isInstanceOf(IllegalStateException.class);
    coordinator.pause(run);
    assertThatThrownBy(() -> coordinator.pause(run)).isInstanceOf(IllegalTransitionException.class);
    assertThat(run.state()).isEqualTo(RunState.PAUSED);
  }

  // ---- retry -------------------------------------------------------------------------------

  @Test
  void retryRunsAgainExactlyWhatDidNotSucceedAndKeepsTheHistory() {
    Run run = failedFanOut();
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    effects.ready.clear();

    coordinator.retry(run);

    assertThat(run.state()).isEqualTo(RunState.RUNNING);
    assertThat(run.retried()).isEqualTo(1);
    assertThat(run.error()).isNull();
    assertThat(run.endedAt()).isNull();
    assertThat(effects.readyIds()).containsExactly("s1-t1", "s1-t2", "s1-t3");
    assertThat(run.stage(0).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.stage(1).state()).isEqualTo(TaskState.RUNNING);
    assertThat(run.stage(1).aborting()).isFalse();
    assertThat(run.stage(2).state()).isEqualTo(TaskState.PENDING);
    assertThat(run.task("s0-t0").state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.task("s1-t0").state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.task("s1-spawn").state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.task("s1-t1").attempts())
        .extracting(Attempt::state)
        .containsExactly(AttemptState.FAILED);

    succeed(run, "s1-t1");
    succeed(run, "s1-t2");
    succeed(run, "s1-t3");
    succeed(run, "s2-t0");

    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.task("s1-t1").attempts())
        .extracting(Attempt::number, Attempt::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, AttemptState.FAILED),
            org.assertj.core.groups.Tuple.tuple(2, AttemptState.SUCCEEDED));
    for (String kept : List.of("s0-t0", "s1-spawn", "s1-t0")) {
      assertThat(run.task(kept).attempts()).as("%s never ran again", kept).hasSize(1);
    }
    assertThat(run.retried()).isEqualTo(1);
  }

  @Test
  void aRetriedFailedSpawnTaskRunsAgainAndTheInstancesComeFromItsNewEntries() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    dispatch(run, "s1-spawn");
    end(run, "s1-spawn", AttemptState.FAILED);
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    effects.ready.clear();

    coordinator.retry(run);

    assertThat(effects.readyIds()).containsExactly("s1-spawn");
    TaskRun spawn = run.task("s1-spawn");
    coordinator.dispatched(run, spawn, 2, "n1");
    effects.ready.clear();
    coordinator.ended(run, spawn, 2, AttemptState.SUCCEEDED, 0, null, entries(2));
    assertThat(effects.readyIds()).containsExactly("s1-t0", "s1-t1");
    assertThat(spawn.attempts()).hasSize(2);
  }

  @Test
  void aRetriedCancelledRunRunsTheStagesThatNeverStarted() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, 2);
    succeed(run, "s1-t0");
    coordinator.cancel(run, "cancelled on request");
    assertThat(run.stage(2).state()).isEqualTo(TaskState.CANCELLED);
    effects.ready.clear();

    coordinator.retry(run);

    assertThat(run.stage(1).state()).isEqualTo(TaskState.RUNNING);
    assertThat(run.stage(2).state())
        .as("never started: waits its turn")
        .isEqualTo(TaskState.PENDING);
    assertThat(effects.readyIds()).containsExactly("s1-t1");
    succeed(run, "s1-t1");
    assertThat(effects.readyIds()).containsExactly("s2-t0");
    succeed(run, "s2-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.task("s1-t0").attempts()).hasSize(1);
  }

  @Test
  void aRetriedRunRunsItsSkippedStagesWithTheirTasksAgain() {
    Run run = started("fanout");
    dispatch(run, "s0-t0");
    end(run, "s0-t0", AttemptState.FAILED);
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.stage(2).state()).isEqualTo(TaskState.SKIPPED);

    coordinator.retry(run);
    succeed(run, "s0-t0");
    spawn(run, 1, 1);
    succeed(run, "s1-t0");

    assertThat(run.stage(2).state()).isEqualTo(TaskState.RUNNING);
    assertThat(run.task("s2-t0").state()).isEqualTo(TaskState.PENDING);
    succeed(run, "s2-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aRetriedTaskGetsItsClassesRetriesAgain() {
    Run run = started("flaky");
    for (int attempt = 1; attempt <= 2; attempt++) {
      dispatch(run, "s0-t0");
      end(run, "s0-t0", AttemptState.FAILED);
    }
    assertThat(run.state()).isEqualTo(RunState.FAILED);

    coordinator.retry(run);
    dispatch(run, "s0-t0");
    end(run, "s0-t0", AttemptState.FAILED);

    TaskRun task = run.task("s0-t0");
    assertThat(task.state()).as("its one retry again").isEqualTo(TaskState.PENDING);
    assertThat(task.notBefore()).isEqualTo(clock.instant().plusSeconds(10));
    assertThat(task.attempts()).extracting(Attempt::number).containsExactly(1, 2, 3);
  }

  @Test
  void eachRetryIsCountedAndOnlyAFailedOrCancelledRunIsRetried() {
    Run run = started("flaky");
    for (int round = 1; round <= 2; round++) {
      for (int i = 0; i < 2; i++) {
        dispatch(run, "s0-t0");
        end(run, "s0-t0", AttemptState.FAILED);
      }
      coordinator.retry(run);
      assertThat(run.retried()).isEqualTo(round);
    }
    assertThatThrownBy(() -> coordinator.retry(run)).isInstanceOf(IllegalStateException.class);
    succeed(run, "s0-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThatThrownBy(() -> coordinator.retry(run)).isInstanceOf(IllegalStateException.class);
    assertThat(run.retried()).isEqualTo(2);
  }

  @Test
  void replayingTheEventsOfPausesResumesAndRetriesRebuildsTheSameRun() {
    Run run = failedFanOut();
    coordinator.retry(run);
    dispatch(run, "s1-t1");
    coordinator.pause(run);
    end(run, "s1-t1", AttemptState.SUCCEEDED);

    Run replayed = Run.create((RunEvent.Created) effects.events.get(0));
    effects.events.subList(1, effects.events.size()).forEach(replayed::apply);

    assertThat(replayed.state()).isEqualTo(RunState.PAUSED);
    assertThat(replayed.retried()).isEqualTo(1);
    assertThat(replayed.version()).isEqualTo(run.version());
    for (int i = 0; i < run.stages().size(); i++) {
      assertThat(replayed.stage(i).state()).isEqualTo(run.stage(i).state());
      for (TaskRun task : run.stage(i).allTasks()) {
        TaskRun again = replayed.task(task.id());
        assertThat(again.state()).as(task.id()).isEqualTo(task.state());
        assertThat(again.attempts()).as(task.id()).hasSameSizeAs(task.attempts());
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Stage 1 of four instances: s1-t0 succeeded, s1-t1 failed, s1-t2 and s1-t3 were cancelled. */
  private Run failedFanOut() {
    Run run = started("fanout");
    succeed(run, "s0-t0");
    spawn(run, 1, 4);
    succeed(run, "s1-t0");
    dispatch(run, "s1-t1");
    end(run, "s1-t1", AttemptState.FAILED);
    return run;
  }

  private Run started(String job) {
    Run run = coordinator.create("r1", plan(job), Map.of(), Set.of());
    coordinator.start(run);
    return run;
  }

  private static RunPlan plan(String job) {
    return CoordinatorFixtures.plan(YAML, job);
  }

  private void dispatch(Run run, String taskId) {
    TaskRun task = run.task(taskId);
    coordinator.dispatched(run, task, task.attempts().size() + 1, "n1");
  }

  private void end(Run run, String taskId, AttemptState outcome) {
    TaskRun task = run.task(taskId);
    int code = outcome == AttemptState.SUCCEEDED ? 0 : 1;
    coordinator.ended(run, task, task.attempts().size(), outcome, code, null, null);
  }

  private void succeed(Run run, String taskId) {
    dispatch(run, taskId);
    effects.ready.clear();
    end(run, taskId, AttemptState.SUCCEEDED);
  }

  private void spawn(Run run, int stage, int n) {
    TaskRun spawn = run.task(TaskId.spawn(stage).toString());
    coordinator.dispatched(run, spawn, spawn.attempts().size() + 1, "n1");
    effects.ready.clear();
    coordinator.ended(
        run, spawn, spawn.attempts().size(), AttemptState.SUCCEEDED, 0, null, entries(n));
  }

  private static List<Map<String, String>> entries(int n) {
    return CoordinatorFixtures.entries(n);
  }
}
