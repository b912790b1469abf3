package io.flowbus.model;

import static io.flowbus.testing.RunBuilder.RUN_ID;
import static io.flowbus.testing.RunBuilder.aRun;
import static io.flowbus.testing.RunEvents.NODE;
import static io.flowbus.testing.RunEvents.T0;
import static io.flowbus.testing.RunEvents.cancelled;
import static io.flowbus.testing.RunEvents.dispatched;
import static io.flowbus.testing.RunEvents.ended;
import static io.flowbus.testing.RunEvents.failed;
import static io.flowbus.testing.RunEvents.failedRetryAt;
import static io.flowbus.testing.RunEvents.lost;
import static io.flowbus.testing.RunEvents.spawned;
import static io.flowbus.testing.RunEvents.stageAborted;
import static io.flowbus.testing.RunEvents.stageEnded;
import static io.flowbus.testing.RunEvents.stageStarted;
import static io.flowbus.testing.RunEvents.started;
import static io.flowbus.testing.RunEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunTest {

  @Nested
  class Creation {
    @Test
    void aNewRunIsCreatedWithEveryStagePendingAndNoTasks() {
      Run run = aRun().build();

      assertThat(run.id()).isEqualTo(RUN_ID);
      assertThat(run.jobId()).isEqualTo("fetch-all");
      assertThat(run.state()).isEqualTo(RunState.CREATED);
      assertThat(run.createdAt()).isEqualTo(T0);
      assertThat(run.startedAt()).isNull();
      assertThat(run.version()).isEqualTo(1);
      assertThat(run.stages())
          .hasSize(2)
          .allSatisfy(s -> assertThat(s.state()).isEqualTo(TaskState.PENDING));
      assertThat(run.stages()).allSatisfy(s -> assertThat(s.allTasks()).isEmpty());
      assertThat(run.currentStage()).get().extracting(StageRun::index).isEqualTo(0);
      assertThat(run.hasRunningTasks()).isFalse();
      assertThat(run.findTask("s0-t0")).isEmpty();
    }

    @Test
    void thePlanHoldsTheTaskClassesOfTheJob() {
      Run run = aRun().build();

      assertThat(run.plan().definitionsVersion()).isEqualTo("v1");
      assertThat(run.plan().taskClasses()).containsOnlyKeys("prepare", "split", "fetch");
      assertThatThrownBy(() -> run.plan().taskClass("other"))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maskedInputsHideSecrets() {
      Run run = aRun().withInput("undeclared", "x").build();

      assertThat(run.maskedInputs())
          .containsExactly(Map.entry("data_id", "42"), Map.entry("token", "***"));
      assertThat(run.inputs()).containsEntry("token", "Basic s3cret");
      assertThat(run.secretInputs()).containsExactly("token");
    }

    @Test
    void anInputKeptSecretForWhatItHoldsIsMaskedButMasksNothingElse() {
      Run run =
          aRun()
              .withInput("data_id", "see https://x.org/?t=Basic s3cret")
              .withSecretInputs("token", "data_id")
              .build();

      assertThat(run.maskedInputs())
          .containsExactly(Map.entry("data_id", "***"), Map.entry("token", "***"));
      // only the header's value is looked for: the secret inside data_id is masked by it, and
      // data_id's own parts (https://x.org) are not
      assertThat(run.secretValues()).containsExactly("Basic s3cret");
    }

    @Test
    void maskedInputsShowEverythingWithoutSecrets() {
      Run run = aRun().withSecretInputs().build();

      assertThat(run.maskedInputs()).containsEntry("token", "Basic s3cret");
    }
  }

  @Nested
  class Starting {
    @Test
    void startedRunsTheRun() {
      Run run = aRun().build();

      Changes changes = run.apply(started());

      assertThat(run.state()).isEqualTo(RunState.RUNNING);
      assertThat(run.startedAt()).isEqualTo(T0.plusSeconds(1));
      assertThat(changes.runChanged()).isTrue();
      assertThat(changes.stages()).isEmpty();
      assertThat(changes.tasks()).isEmpty();
      assertThat(run.version()).isEqualTo(2);
    }

    @Test
    void aStageWithoutSpawnTaskCreatesExactlyOneTask() {
      Run run = aRun().started().build();

      Changes changes = run.apply(stageStarted(0));

      StageRun stage = run.stage(0);
      assertThat(stage.state()).isEqualTo(TaskState.RUNNING);
      assertThat(stage.startedAt()).isEqualTo(T0.plusSeconds(2));
      assertThat(stage.spawn()).isNull();
      assertThat(stage.spawned()).isTrue();
      assertThat(stage.tasks())
          .singleElement()
          .satisfies(
              task -> {
                assertThat(task.id()).isEqualTo("s0-t0");
                assertThat(task.runId()).isEqualTo(RUN_ID);
                assertThat(task.kind()).isEqualTo(TaskKind.TASK);
                assertThat(task.taskClass()).isEqualTo("prepare");
                assertThat(task.stage()).isZero();
                assertThat(task.index()).isZero();
                assertThat(task.entry()).isEmpty();
                assertThat(task.state()).isEqualTo(TaskState.PENDING);
                assertThat(task.attempts()).isEmpty();
              });
      assertThat(run.task("s0-t0")).isSameAs(stage.tasks().get(0));
      assertThat(stage.counts().total()).isEqualTo(1);
      assertThat(stage.counts().get(TaskState.PENDING)).isEqualTo(1);
      assertThat(changes.stages()).containsExactly(0);
      assertThat(changes.runChanged()).isFalse();
      assertThat(run.currentStage()).get().isSameAs(stage);
    }

    @Test
    void aSpawnStageStartsWithItsSpawnTaskOnly() {
      Run run = aRun().inSpawnStage().build();

      StageRun stage = run.stage(1);
      assertThat(stage.state()).isEqualTo(TaskState.RUNNING);
      assertThat(stage.spawned()).isFalse();
      assertThat(stage.tasks()).isEmpty();
      assertThat(stage.spawn().id()).isEqualTo("s1-spawn");
      assertThat(stage.spawn().kind()).isEqualTo(TaskKind.SPAWN);
      assertThat(stage.spawn().taskClass()).isEqualTo("split");
      assertThat(stage.spawn().index()).isEqualTo(-1);
      assertThat(stage.allTasks()).containsExactly(stage.spawn());
      assertThat(run.task("s1-spawn")).isSameAs(stage.spawn());
      // the spawn task is not one of the stage's task instances
      assertThat(stage.counts().total()).isZero();
      assertThat(stage.settled()).isFalse();
      assertThat(run.currentStage()).get().isSameAs(stage);
    }

    @Test
    void spawnedCreatesOneTaskPerEntry() {
      Run run =
          aRun().inSpawnStage().then(dispatched("s1-spawn", 1), succeeded("s1-spawn", 1)).build();

      Changes changes = run.apply(spawned(1, 3));

      StageRun stage = run.stage(1);
      assertThat(stage.spawned()).isTrue();
      assertThat(stage.tasks()).extracting(TaskRun::id).containsExactly("s1-t0", "s1-t1", "s1-t2");
      assertThat(stage.tasks()).extracting(TaskRun::index).containsExactly(0, 1, 2);
      assertThat(stage.tasks())
          .allSatisfy(
              t -> {
                assertThat(t.kind()).isEqualTo(TaskKind.TASK);
                assertThat(t.taskClass()).isEqualTo("fetch");
                assertThat(t.state()).isEqualTo(TaskState.PENDING);
              });
      assertThat(stage.tasks().get(2).entry())
          .containsExactly(Map.entry("url", "https://example.com/2"));
      assertThat(run.task("s1-t2")).isSameAs(stage.tasks().get(2));
      assertThat(stage.counts().total()).isEqualTo(3);
      assertThat(stage.counts().get(TaskState.PENDING)).isEqualTo(3);
      assertThat(stage.counts().open()).isEqualTo(3);
      assertThat(changes.stages()).containsExactly(1);
      assertThat(changes.runChanged()).isFalse();
    }

    @Test
    void aTaskIsFoundByItsIdAsWrittenOnly() {
      Run run = aRun().withSpawned(3).build();

      assertThat(run.findTask("s1-t2")).containsSame(run.stage(1).tasks().get(2));
      assertThat(run.findTask("s1-spawn")).containsSame(run.stage(1).spawn());
      assertThat(run.findTask("s1-t02")).isEmpty();
      assertThat(run.findTask("s1-t3")).isEmpty();
      assertThat(run.findTask("s2-t0")).isEmpty();
      assertThat(run.findTask("s9-spawn")).isEmpty();
      assertThatThrownBy(() -> run.task("s1-t3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spawningNoEntriesSettlesTheStage() {
      Run run = aRun().withSpawned(0).build();

      assertThat(run.stage(1).tasks()).isEmpty();
      assertThat(run.stage(1).spawned()).isTrue();
      assertThat(run.stage(1).settled()).isTrue();
    }
  }

  @Nested
  class Tasks {
    @Test
    void attemptsOnEveryNodeKeepOneCopyOfItsId() {
      Run run = aRun().inFirstStage().build();
      run.apply(new RunEvent.TaskDispatched(T0, "s0-t0", 1, new String("node-x")));
      run.apply(lost("s0-t0", 1));
      run.apply(new RunEvent.TaskDispatched(T0, "s0-t0", 2, new String("node-x")));

      List<Attempt> attempts = run.task("s0-t0").attempts();

      assertThat(attempts).extracting(Attempt::number).containsExactly(1, 2);
      assertThat(attempts.get(1).node()).isSameAs(attempts.get(0).node());
      assertThat(run.task("s0-t0").currentAttempt()).isSameAs(attempts.get(1));
    }

    @Test
    void dispatchedRunsTheTaskWithAFirstAttempt() {
      Run run = aRun().inFirstStage().build();

      Changes changes = run.apply(dispatched("s0-t0", 1));

      TaskRun task = run.task("s0-t0");
      assertThat(task.state()).isEqualTo(TaskState.RUNNING);
      assertThat(task.attempts())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.number()).isEqualTo(1);
                assertThat(a.node()).isEqualTo(NODE);
                assertThat(a.state()).isEqualTo(AttemptState.RUNNING);
                assertThat(a.startedAt()).isEqualTo(T0.plusSeconds(3));
              });
      assertThat(task.startedAt()).isEqualTo(T0.plusSeconds(3));
      assertThat(task.endedAt()).isNull();
      assertThat(run.stage(0).counts().get(TaskState.RUNNING)).isEqualTo(1);
      assertThat(run.stage(0).counts().get(TaskState.PENDING)).isZero();
      assertThat(run.hasRunningTasks()).isTrue();
      assertThat(changes.tasks()).containsExactly(task);
      assertThat(changes.stages()).isEmpty();
      assertThat(changes.runChanged()).isFalse();
    }

    @Test
    void succeededEndsTheTaskAndSettlesTheStage() {
      Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1)).build();

      Changes changes = run.apply(succeeded("s0-t0", 1));

      TaskRun task = run.task("s0-t0");
      assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(task.currentAttempt().state()).isEqualTo(AttemptState.SUCCEEDED);
      assertThat(task.currentAttempt().exitCode()).isZero();
      assertThat(task.endedAt()).isEqualTo(T0.plusSeconds(4));
      assertThat(run.stage(0).counts().get(TaskState.SUCCEEDED)).isEqualTo(1);
      assertThat(run.stage(0).settled()).isTrue();
      assertThat(run.hasRunningTasks()).isFalse();
      assertThat(changes.tasks()).containsExactly(task);
      // the stage ends only with its own event
      assertThat(run.stage(0).state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void failedWithoutRetryFailsTheTask() {
      Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1)).build();

      run.apply(failed("s0-t0", 1));

      TaskRun task = run.task("s0-t0");
      assertThat(task.state()).isEqualTo(TaskState.FAILED);
      assertThat(task.error()).isEqualTo("exited with code 1");
      assertThat(task.currentAttempt().exitCode()).isEqualTo(1);
      assertThat(task.notBefore()).isNull();
      assertThat(run.stage(0).counts().get(TaskState.FAILED)).isEqualTo(1);
    }

    @Test
    void failedWithRetryAtMakesTheTaskPendingUntilThen() {
      Instant retryAt = T0.plusSeconds(60);
      Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1)).build();

      Changes changes = run.apply(failedRetryAt("s0-t0", 1, retryAt));

      TaskRun task = run.task("s0-t0");
      assertThat(task.state()).isEqualTo(TaskState.PENDING);
      assertThat(task.notBefore()).isEqualTo(retryAt);
      assertThat(task.currentAttempt().state()).isEqualTo(AttemptState.FAILED);
      assertThat(task.currentAttempt().endedAt()).isEqualTo(T0.plusSeconds(4));
      assertThat(task.endedAt()).isNull();
      assertThat(run.stage(0).counts().get(TaskState.PENDING)).isEqualTo(1);
      assertThat(run.stage(0).settled()).isFalse();
      assertThat(changes.tasks()).containsExactly(task);
    }

    @Test
    void theRetryIsASecondAttemptAndClearsNotBefore() {
      Run run =
          aRun()
              .inFirstStage()
              .then(dispatched("s0-t0", 1), failedRetryAt("s0-t0", 1, T0.plusSeconds(60)))
              .build();

      run.apply(dispatched("s0-t0", 2));
      run.apply(succeeded("s0-t0", 2));

      TaskRun task = run.task("s0-t0");
      assertThat(task.state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(task.notBefore()).isNull();
      assertThat(task.attempts())
          .extracting(Attempt::number, Attempt::state)
          .containsExactly(tuple(1, AttemptState.FAILED), tuple(2, AttemptState.SUCCEEDED));
    }

    @Test
    void aLostTaskIsPendingAgain() {
      Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1)).build();

      Changes changes = run.apply(lost("s0-t0", 1));

      TaskRun task = run.task("s0-t0");
      assertThat(task.state()).isEqualTo(TaskState.PENDING);
      assertThat(task.currentAttempt().state()).isEqualTo(AttemptState.LOST);
      assertThat(task.currentAttempt().error()).isEqualTo("node-a left the cluster");
      assertThat(run.stage(0).counts().get(TaskState.PENDING)).isEqualTo(1);
      assertThat(run.stage(0).counts().get(TaskState.RUNNING)).isZero();
      assertThat(changes.tasks()).containsExactly(task);

      run.apply(dispatched("s0-t0", 2));
      assertThat(task.state()).isEqualTo(TaskState.RUNNING);
      assertThat(task.attempts()).hasSize(2);
    }

    @Test
    void aTaskLostAfterTheRunWasCancelledIsCancelled() {
      Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1), cancelled()).build();

      run.apply(lost("s0-t0", 1));

      assertThat(run.task("s0-t0").state()).isEqualTo(TaskState.CANCELLED);
      assertThat(run.task("s0-t0").currentAttempt().state()).isEqualTo(AttemptState.LOST);
      assertThat(run.hasRunningTasks()).isFalse();
    }

    @Test
    void aTaskLostInAnAbortingStageIsCancelled() {
      Run run =
          aRun()
              .withSpawned(2)
              .then(dispatched("s1-t0", 1), dispatched("s1-t1", 1), failed("s1-t0", 1))
              .then(stageAborted(1))
              .build();

      run.apply(lost("s1-t1", 1));

      assertThat(run.task("s1-t1").state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void rejectedFailsAPendingTaskWithoutAnAttempt() {
      Run run = aRun().inFirstStage().build();

      Changes changes =
          run.apply(new RunEvent.TaskRejected(T0, "s0-t0", "missing input 'data_id'"));

      TaskRun task = run.task("s0-t0");
      assertThat(task.state()).isEqualTo(TaskState.FAILED);
      assertThat(task.error()).isEqualTo("missing input 'data_id'");
      assertThat(task.attempts()).isEmpty();
      assertThat(changes.tasks()).containsExactly(task);
    }
  }

  @Nested
  class Stages {
    @Test
    void stageEndedMovesTheRunOnToTheNextStage() {
      Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1), succeeded("s0-t0", 1)).build();

      Changes changes = run.apply(stageEnded(0, TaskState.SUCCEEDED));

      assertThat(run.stage(0).state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(run.stage(0).endedAt()).isEqualTo(T0.plusSeconds(6));
      assertThat(run.currentStage()).get().extracting(StageRun::index).isEqualTo(1);
      assertThat(changes.stages()).containsExactly(0);
      assertThat(changes.tasks()).isEmpty();
    }

    @Test
    void noCurrentStageOnceAllStagesEnded() {
      Run run = aRun().withSpawned(0).then(stageEnded(1, TaskState.SUCCEEDED)).build();

      assertThat(run.currentStage()).isEmpty();

      Changes changes = run.apply(ended(RunState.SUCCEEDED));
      assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
      assertThat(run.endedAt()).isEqualTo(T0.plusSeconds(8));
      assertThat(changes.runChanged()).isTrue();
    }

    @Test
    void aFailedRunKeepsItsError() {
      Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1), failed("s0-t0", 1)).build();

      run.apply(stageEnded(0, TaskState.FAILED));
      run.apply(ended(RunState.FAILED));

      assertThat(run.stage(0).error()).isEqualTo("a task failed");
      assertThat(run.state()).isEqualTo(RunState.FAILED);
      assertThat(run.error()).isEqualTo("boom");
    }

    @Test
    void abortCancelsPendingTasksAndLeavesRunningOnes() {
      Run run =
          aRun()
              .withSpawned(3)
              .then(dispatched("s1-t0", 1), dispatched("s1-t1", 1), failed("s1-t0", 1))
              .build();

      Changes changes = run.apply(stageAborted(1));

      StageRun stage = run.stage(1);
      assertThat(stage.aborting()).isTrue();
      assertThat(stage.abortReason()).isEqualTo("task failed");
      assertThat(stage.tasks())
          .extracting(TaskRun::state)
          .containsExactly(TaskState.FAILED, TaskState.RUNNING, TaskState.CANCELLED);
      assertThat(changes.tasks()).extracting(TaskRun::id).containsExactly("s1-t2");
      assertThat(changes.stages()).containsExactly(1);
      assertThat(stage.counts().get(TaskState.CANCELLED)).isEqualTo(1);
      assertThat(stage.settled()).isFalse();
    }
  }

  @Nested
  class Cancelling {
    @Test
    void cancelCancelsPendingTasksAndUnfinishedStagesWhileRunningTasksRunOn() {
      Run run = aRun().withSpawned(3).then(dispatched("s1-t0", 1)).build();

      Changes changes = run.apply(cancelled());

      assertThat(run.state()).isEqualTo(RunState.CANCELLED);
      assertThat(run.endedAt()).isEqualTo(T0.plusSeconds(7));
      assertThat(run.error()).isEqualTo("cancelled by user");
      assertThat(run.stage(0).state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(run.stage(1).state()).isEqualTo(TaskState.CANCELLED);
      assertThat(run.stage(1).tasks())
          .extracting(TaskRun::state)
          .containsExactly(TaskState.RUNNING, TaskState.CANCELLED, TaskState.CANCELLED);
      assertThat(run.stage(1).counts().get(TaskState.RUNNING)).isEqualTo(1);
      assertThat(run.stage(1).counts().get(TaskState.CANCELLED)).isEqualTo(2);
      assertThat(run.hasRunningTasks()).isTrue();
      assertThat(run.currentStage()).isEmpty();
      assertThat(changes.runChanged()).isTrue();
      assertThat(changes.stages()).containsExactly(1);
      assertThat(changes.tasks()).extracting(TaskRun::id).containsExactly("s1-t1", "s1-t2");

      // the running task is stopped and ends later
      run.apply(
          new RunEvent.TaskEnded(
              T0.plusSeconds(9), "s1-t0", 1, AttemptState.CANCELLED, 143, "cancelled", null));
      assertThat(run.task("s1-t0").state()).isEqualTo(TaskState.CANCELLED);
      assertThat(run.hasRunningTasks()).isFalse();
    }

    @Test
    void cancelBeforeTheSpawnTaskRanCancelsIt() {
      Run run = aRun().inSpawnStage().build();

      Changes changes = run.apply(cancelled());

      assertThat(run.stage(1).spawn().state()).isEqualTo(TaskState.CANCELLED);
      assertThat(changes.tasks()).extracting(TaskRun::id).containsExactly("s1-spawn");
      assertThat(changes.stages()).containsExactly(1);
    }

    @Test
    void cancellingACreatedRunCancelsEveryStage() {
      Run run = aRun().build();

      Changes changes = run.apply(cancelled());

      assertThat(run.state()).isEqualTo(RunState.CANCELLED);
      assertThat(run.stages()).extracting(StageRun::state).containsOnly(TaskState.CANCELLED);
      assertThat(changes.stages()).containsExactly(0, 1);
      assertThat(changes.tasks()).isEmpty();
    }

    @Test
    void aCancelledRunCannotBeCancelledAgain() {
      Run run = aRun().started().then(cancelled()).build();

      assertThatThrownBy(() -> run.apply(cancelled()))
          .isInstanceOf(IllegalTransitionException.class);
    }
  }

  @Nested
  class WrongState {
    static Stream<Arguments> wrongEvents() {
      return Stream.of(
          Arguments.of(
              "started twice", aRun().started(), started(), IllegalTransitionException.class),
          Arguments.of(
              "succeeded before it started",
              aRun(),
              ended(RunState.SUCCEEDED),
              IllegalTransitionException.class),
          Arguments.of(
              "ended twice",
              aRun().started().then(ended(RunState.FAILED)),
              ended(RunState.SUCCEEDED),
              IllegalTransitionException.class),
          Arguments.of(
              "cancelled after it ended",
              aRun().started().then(ended(RunState.SUCCEEDED)),
              cancelled(),
              IllegalTransitionException.class),
          Arguments.of(
              "stage started twice",
              aRun().inFirstStage(),
              stageStarted(0),
              IllegalTransitionException.class),
          Arguments.of(
              "stage ended before it started",
              aRun().started(),
              stageEnded(0, TaskState.SUCCEEDED),
              IllegalTransitionException.class),
          Arguments.of(
              "stage ended twice",
              aRun().inSpawnStage(),
              stageEnded(0, TaskState.SUCCEEDED),
              IllegalTransitionException.class),
          Arguments.of(
              "task ended while pending",
              aRun().inFirstStage(),
              succeeded("s0-t0", 1),
              IllegalStateException.class),
          Arguments.of(
              "task ended for an earlier attempt",
              aRun()
                  .inFirstStage()
                  .then(dispatched("s0-t0", 1), lost("s0-t0", 1), dispatched("s0-t0", 2)),
              succeeded("s0-t0", 1),
              IllegalStateException.class),
          Arguments.of(
              "task ended twice",
              aRun().inFirstStage().then(dispatched("s0-t0", 1), succeeded("s0-t0", 1)),
              succeeded("s0-t0", 1),
              IllegalStateException.class),
          Arguments.of(
              "task lost while pending",
              aRun().inFirstStage(),
              lost("s0-t0", 1),
              IllegalStateException.class),
          Arguments.of(
              "dispatched with a skipped attempt number",
              aRun().inFirstStage(),
              dispatched("s0-t0", 2),
              IllegalStateException.class),
          Arguments.of(
              "dispatched twice",
              aRun().inFirstStage().then(dispatched("s0-t0", 1)),
              dispatched("s0-t0", 2),
              IllegalTransitionException.class),
          Arguments.of(
              "dispatched after it succeeded",
              aRun().inFirstStage().then(dispatched("s0-t0", 1), succeeded("s0-t0", 1)),
              dispatched("s0-t0", 2),
              IllegalTransitionException.class),
          Arguments.of(
              "a cancelled task dispatched",
              aRun().inFirstStage().then(cancelled()),
              dispatched("s0-t0", 1),
              IllegalTransitionException.class),
          Arguments.of(
              "rejected after it succeeded",
              aRun().inFirstStage().then(dispatched("s0-t0", 1), succeeded("s0-t0", 1)),
              new RunEvent.TaskRejected(T0, "s0-t0", "x"),
              IllegalTransitionException.class),
          Arguments.of(
              "a task that does not exist yet",
              aRun().started(),
              dispatched("s0-t0", 1),
              IllegalArgumentException.class),
          Arguments.of(
              "a stage that does not exist",
              aRun().started(),
              stageStarted(2),
              IllegalArgumentException.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wrongEvents")
    void anEventInTheWrongStateThrowsAndChangesNothing(
        String name,
        io.flowbus.testing.RunBuilder given,
        RunEvent event,
        Class<? extends Throwable> error) {
      Run run = given.build();
      long version = run.version();
      RunState state = run.state();

      assertThatThrownBy(() -> run.apply(event)).isInstanceOf(error);

      assertThat(run.version()).isEqualTo(version);
      assertThat(run.state()).isEqualTo(state);
    }

    @Test
    void theVersionGrowsByOneWithEveryEvent() {
      Run run = aRun().build();
      List<RunEvent> events =
          List.of(started(), stageStarted(0), dispatched("s0-t0", 1), succeeded("s0-t0", 1));

      for (int i = 0; i < events.size(); i++) {
        run.apply(events.get(i));
        assertThat(run.version()).isEqualTo(i + 2L);
      }
    }

    @Test
    void spawnedTwiceThrows() {
      Run run = aRun().withSpawned(3).build();

      assertThatThrownBy(() -> run.apply(spawned(1, 3))).isInstanceOf(IllegalStateException.class);
      assertThat(run.stage(1).tasks()).hasSize(3);
    }

    @Test
    void spawnedForAStageWithoutSpawnTaskThrows() {
      Run run = aRun().inFirstStage().build();

      assertThatThrownBy(() -> run.apply(spawned(0, 2))).isInstanceOf(IllegalStateException.class);
      assertThat(run.stage(0).tasks()).hasSize(1);
    }

    @Test
    void aTaskEndedAsRunningIsRefusedWithoutChangingTheAttempt() {
      Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1)).build();
      RunEvent.TaskEnded running =
          new RunEvent.TaskEnded(T0, "s0-t0", 1, AttemptState.RUNNING, null, "what?", null);

      assertThatThrownBy(() -> run.apply(running)).isInstanceOf(IllegalArgumentException.class);

      Attempt attempt = run.task("s0-t0").currentAttempt();
      assertThat(attempt.endedAt()).isNull();
      assertThat(attempt.error()).isNull();
      assertThat(run.task("s0-t0").error()).isNull();
    }
  }

  @Nested
  class Damaged {
    @Test
    void anEndedRunCanTurnOutDamagedAndThenTakesNoEventAtAll() {
      Run run =
          aRun()
              .withSpawned(2)
              .then(dispatched("s1-t0", 1), succeeded("s1-t0", 1), dispatched("s1-t1", 1))
              .build();
      long version = run.version();

      run.damage("journal line 12 is corrupt");

      assertThat(run.state()).isEqualTo(RunState.DAMAGED);
      assertThat(run.state().ended()).isTrue();
      assertThat(run.error()).isEqualTo("journal line 12 is corrupt");
      assertThat(run.version()).isEqualTo(version + 1);
      assertThat(run.hasRunningTasks()).isFalse();
      assertThat(run.task("s1-t0").state())
          .as("kept for the record")
          .isEqualTo(TaskState.SUCCEEDED);
      assertThatThrownBy(() -> run.apply(succeeded("s1-t1", 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("DAMAGED");
      assertThatThrownBy(() -> run.apply(started())).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> run.damage("again")).isInstanceOf(IllegalTransitionException.class);
      assertThat(run.task("s1-t1").state()).isEqualTo(TaskState.RUNNING);
    }

    @Test
    void aRunDamagedBeforeItsFirstLineHasOnlyItsIdAndTheReason() {
      Run run = Run.damaged("r-9", null, T0, "journal line 1 is corrupt");

      assertThat(run.state()).isEqualTo(RunState.DAMAGED);
      assertThat(run.jobId()).isNull();
      assertThat(run.plan()).isNull();
      assertThat(run.stages()).isEmpty();
      assertThat(run.maskedInputs()).isEmpty();
      assertThat(run.createdAt()).isEqualTo(T0);
      assertThat(run.error()).isEqualTo("journal line 1 is corrupt");
      assertThatThrownBy(() -> run.apply(started())).isInstanceOf(IllegalStateException.class);
    }
  }
}
