package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.AttemptState;
import io.flowbus.model.Definitions;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskId;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.storage.EventCodec;
import io.flowbus.testing.SettableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the coordinator walks a stage graph: what starts together, what waits, what is skipped. */
class StageGraphRunTest {
  private static final String YAML =
      """
      tasks:
        one: {exec_command: "true"}
        gen: {exec_command: gen}
        each: {exec_command: work, input: {item: {source: parameter}}}
      jobs:
        dag:
          stages:
            - {name: split, task_class: one, depends_on: []}
            - {name: title, task_class: one, depends_on: []}
            - {name: count, task_class: one, depends_on: [split]}
            - {name: sum, task_class: one, depends_on: [count, title]}
        later-first:
          stages:
            - {name: b, task_class: one, depends_on: [a]}
            - {name: a, task_class: one, depends_on: []}
        sequence:
          stages:
            - {name: a, task_class: one}
            - {name: b, task_class: one}
            - {name: c, task_class: one}
        tolerant:
          stages:
            - {name: fan, spawn_task: gen, task_class: each, tolerated_failures: "5%"}
            - {name: after, task_class: one, depends_on: [fan]}
            - {name: beside, task_class: one, depends_on: []}
        counted:
          stages:
            - {name: fan, spawn_task: gen, task_class: each, tolerated_failures: 2}
      """;

  private final SettableClock clock = new SettableClock(Instant.parse("2026-11-26T10:00:00Z"));
  private final RunCoordinatorTest.FakeEffects effects = new RunCoordinatorTest.FakeEffects();
  private final RunCoordinator coordinator = new RunCoordinator(clock, effects);

  @Test
  void stagesWithoutDependenciesStartAtOnceAndAJoinWaitsForAllItNames() {
    Run run = started("dag");
    assertThat(effects.readyIds()).containsExactly("s0-t0", "s1-t0");
    assertThat(states(run)).containsExactly("RUNNING", "RUNNING", "PENDING", "PENDING");

    succeed(run, "s0-t0");
    assertThat(effects.readyIds()).containsExactly("s2-t0");
    succeed(run, "s2-t0");
    assertThat(run.stage(3).state()).as("sum still waits for title").isEqualTo(TaskState.PENDING);

    succeed(run, "s1-t0");
    assertThat(effects.readyIds()).containsExactly("s3-t0");
    succeed(run, "s3-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void aStageMayDependOnOneListedAfterIt() {
    Run run = started("later-first");
    assertThat(effects.readyIds()).containsExactly("s1-t0");
    succeed(run, "s1-t0");
    assertThat(effects.readyIds()).containsExactly("s0-t0");
  }

  @Test
  void aFailureSkipsWhatDependsOnItAndTheRunFailsOnceTheIndependentBranchEnds() {
    Run run = started("dag");
    fail(run, "s0-t0");

    assertThat(run.stage(2).state()).isEqualTo(TaskState.SKIPPED);
    assertThat(run.stage(2).error()).isEqualTo("stage 0 'split' did not succeed");
    assertThat(run.stage(3).state()).isEqualTo(TaskState.SKIPPED);
    assertThat(run.stage(3).error()).isEqualTo("stage 2 'count' was skipped");
    assertThat(run.state()).as("title still runs").isEqualTo(RunState.RUNNING);

    succeed(run, "s1-t0");
    assertThat(run.stage(1).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.error()).startsWith("stage 0 'split' failed: task s0-t0 failed");
  }

  @Test
  void inASequenceEveryStageAfterAFailedOneIsSkipped() {
    Run run = started("sequence");
    fail(run, "s0-t0");

    assertThat(states(run)).containsExactly("FAILED", "SKIPPED", "SKIPPED");
    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(effects.events)
        .filteredOn(e -> e instanceof RunEvent.StageSkipped)
        .extracting(e -> ((RunEvent.StageSkipped) e).stage())
        .containsExactly(1, 2);
  }

  /**
   * A skipped stage of one instance shows that instance SKIPPED; a retry makes it wait with its
   * stage, given out only once the stage starts, and it runs as the one instance it was.
   */
  @Test
  void aSkippedStageShowsItsOneInstanceSkippedAndARetryRunsItOnceItsStageStarts() {
    Run run = started("sequence");
    fail(run, "s0-t0");

    assertThat(run.stage(2).tasks())
        .extracting(t -> t.id() + " " + t.state())
        .containsExactly("s2-t0 SKIPPED");
    assertThat(run.stage(2).counts().get(TaskState.SKIPPED)).isEqualTo(1);
    assertThat(run.task("s2-t0").error()).isEqualTo("stage 1 'b' was skipped");

    effects.ready.clear();
    coordinator.retry(run);
    assertThat(effects.readyIds()).containsExactly("s0-t0");
    assertThat(run.task("s2-t0").state()).isEqualTo(TaskState.PENDING);

    succeed(run, "s0-t0");
    succeed(run, "s1-t0");
    assertThat(effects.readyIds()).containsExactly("s2-t0");
    assertThat(run.stage(2).tasks()).hasSize(1);
    succeed(run, "s2-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
  }

  /**
   * Retried, cancelled before the skipped stages started, retried again: those stages' instances
   * wait again and run (cancelled with the run, not only skipped), and the journal replays.
   */
  @Test
  void aSkippedInstanceCancelledWithARetriedRunRunsAtTheNextRetry() throws Exception {
    Run run = started("sequence");
    fail(run, "s0-t0");
    coordinator.retry(run);
    dispatch(run, run.task("s0-t0"));
    coordinator.cancel(run, "by hand");
    end(run, "s0-t0", AttemptState.CANCELLED);
    assertThat(run.task("s1-t0").state()).isEqualTo(TaskState.CANCELLED);

    coordinator.retry(run);
    assertThat(run.task("s1-t0").state()).isEqualTo(TaskState.PENDING);
    succeed(run, "s0-t0");
    assertThat(effects.readyIds()).containsExactly("s1-t0");
    succeed(run, "s1-t0");
    succeed(run, "s2-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.task("s2-t0").attempts()).hasSize(1);

    Run replayed = replay(run);
    assertThat(states(replayed)).isEqualTo(states(run));
    assertThat(replayed.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(replayed.version()).isEqualTo(run.version());
  }

  @Test
  void failuresUpToThePercentageAreToleratedAndTheRunSucceeds() {
    Run run = started("tolerant");
    spawn(run, 0, 100);
    for (int i = 0; i < 100; i++) {
      if (i % 20 == 0) { // 5 of 100
        fail(run, TaskId.task(0, i).toString());
      } else {
        succeed(run, TaskId.task(0, i).toString());
      }
    }
    assertThat(run.stage(0).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.stage(0).counts().get(TaskState.FAILED)).isEqualTo(5);
    succeed(run, "s1-t0");
    succeed(run, "s2-t0");
    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
  }

  @Test
  void oneFailureMoreThanToleratedStopsTheStageAndSkipsWhatDependsOnIt() {
    Run run = started("tolerant");
    spawn(run, 0, 100);
    for (int i = 0; i < 6; i++) {
      dispatch(run, run.task(TaskId.task(0, i).toString()));
    }
    dispatch(run, run.task("s0-t50"));
    for (int i = 0; i < 5; i++) {
      end(run, TaskId.task(0, i).toString(), AttemptState.FAILED);
    }
    assertThat(run.stage(0).aborting()).as("5 of 100 are tolerated").isFalse();

    end(run, "s0-t5", AttemptState.FAILED);

    assertThat(run.stage(0).aborting()).isTrue();
    assertThat(run.stage(0).abortReason())
        .startsWith("6 of 100 tasks failed, more than the 5 tolerated (tolerated_failures: 5%)");
    assertThat(effects.stopped).containsExactly("s0-t50");
    assertThat(run.task("s0-t99").state()).isEqualTo(TaskState.CANCELLED);
    end(run, "s0-t50", AttemptState.CANCELLED);
    assertThat(run.stage(0).state()).isEqualTo(TaskState.FAILED);
    assertThat(run.stage(1).state()).isEqualTo(TaskState.SKIPPED);
    assertThat(run.state()).as("'beside' still runs").isEqualTo(RunState.RUNNING);
    succeed(run, "s2-t0");
    assertThat(run.state()).isEqualTo(RunState.FAILED);
  }

  @Test
  void aCountedToleranceFailsTheStageOnTheFailureAfterIt() {
    Run run = started("counted");
    spawn(run, 0, 10);
    fail(run, "s0-t0");
    fail(run, "s0-t1");
    assertThat(run.stage(0).aborting()).isFalse();
    fail(run, "s0-t2");
    assertThat(run.stage(0).aborting()).isTrue();
    assertThat(run.state()).isEqualTo(RunState.FAILED);
  }

  @Test
  void theJournalOfAGraphRunRebuildsItSkippedStagesIncluded() throws Exception {
    Run run = started("dag");
    fail(run, "s0-t0");
    succeed(run, "s1-t0");
    Run replayed = replay(run);

    assertThat(states(replayed)).isEqualTo(states(run)).contains("SKIPPED");
    assertThat(replayed.stage(3).error()).isEqualTo(run.stage(3).error());
    assertThat(replayed.state()).isEqualTo(RunState.FAILED);
    assertThat(replayed.version()).isEqualTo(run.version());
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** The run rebuilt from the events it journaled, each through the journal's codec. */
  private Run replay(Run run) throws Exception {
    RunPlan plan = run.plan();
    EventCodec.References refs =
        new EventCodec.References() {
          @Override
          public RunPlan plan(String version, String job) {
            return plan;
          }

          @Override
          public Map<String, String> secrets(String runId) {
            return Map.of();
          }

          @Override
          public List<Map<String, String>> spawnEntries(String runId, int stage) {
            return List.of();
          }
        };
    Run replayed = null;
    for (RunEvent event : effects.events) {
      RunEvent decoded = EventCodec.decode(EventCodec.encode(event), "r1", refs);
      if (replayed == null) {
        replayed = Run.create((RunEvent.Created) decoded);
      } else {
        replayed.apply(decoded);
      }
    }
    return replayed;
  }

  private Run started(String job) {
    Run run = coordinator.create("r1", plan(job), Map.of(), Set.of());
    coordinator.start(run);
    return run;
  }

  private static RunPlan plan(String job) {
    try {
      Definitions definitions = DefinitionsLoader.parse(YAML, "test.yaml");
      return RunPlan.of(definitions, definitions.job(job).orElseThrow(), "v1");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> states(Run run) {
    return run.stages().stream().map(s -> s.state().name()).toList();
  }

  private void dispatch(Run run, TaskRun task) {
    coordinator.dispatched(run, task, task.attempts().size() + 1, "node-a");
  }

  private void succeed(Run run, String taskId) {
    dispatch(run, run.task(taskId));
    effects.ready.clear();
    end(run, taskId, AttemptState.SUCCEEDED);
  }

  private void fail(Run run, String taskId) {
    dispatch(run, run.task(taskId));
    effects.ready.clear();
    end(run, taskId, AttemptState.FAILED);
  }

  private void end(Run run, String taskId, AttemptState outcome) {
    TaskRun task = run.task(taskId);
    int code = outcome == AttemptState.SUCCEEDED ? 0 : 1;
    coordinator.ended(run, task, task.attempts().size(), outcome, code, "exit " + code, null);
  }

  private void spawn(Run run, int stage, int n) {
    TaskRun spawn = run.task(TaskId.spawn(stage).toString());
    dispatch(run, spawn);
    List<Map<String, String>> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(Map.of("item", "item-" + i));
    }
    coordinator.ended(run, spawn, 1, AttemptState.SUCCEEDED, 0, null, entries);
    effects.ready.clear();
  }
}
