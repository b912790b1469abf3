package io.flowbus.model;

import static io.flowbus.testing.RunBuilder.aRun;
import static io.flowbus.testing.RunEvents.T0;
import static io.flowbus.testing.RunEvents.cancelled;
import static io.flowbus.testing.RunEvents.dispatched;
import static io.flowbus.testing.RunEvents.ended;
import static io.flowbus.testing.RunEvents.failed;
import static io.flowbus.testing.RunEvents.lost;
import static io.flowbus.testing.RunEvents.stageEnded;
import static io.flowbus.testing.RunEvents.started;
import static io.flowbus.testing.RunEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.testing.RunBuilder;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The paused, resumed and retried events on a run, and where each of them is refused. */
class RunPauseRetryTest {
  private static final RunEvent.Paused PAUSED = new RunEvent.Paused(T0.plusSeconds(9));
  private static final RunEvent.Resumed RESUMED = new RunEvent.Resumed(T0.plusSeconds(10));
  private static final RunEvent.Retried RETRIED = new RunEvent.Retried(T0.plusSeconds(11));

  @Test
  void pausedAndResumedMoveTheRunAndNothingElse() {
    Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1)).build();

    Changes paused = run.apply(PAUSED);
    assertThat(run.state()).isEqualTo(RunState.PAUSED);
    assertThat(paused.runChanged()).isTrue();
    assertThat(run.state().ended()).isFalse();
    assertThat(run.state().active()).isTrue();

    run.apply(succeeded("s0-t0", 1));
    assertThat(run.task("s0-t0").state()).isEqualTo(TaskState.SUCCEEDED);

    run.apply(RESUMED);
    assertThat(run.state()).isEqualTo(RunState.RUNNING);
  }

  @Test
  void aRunCancelledBeforeItStartedStartsWhenRetriedAndAStartedOneKeepsItsStart() {
    Run neverStarted = aRun().then(cancelled()).build();
    assertThat(neverStarted.startedAt()).isNull();
    neverStarted.apply(RETRIED);
    assertThat(neverStarted.startedAt()).isEqualTo(RETRIED.at());

    Run started = aRun().inFirstStage().then(cancelled()).build();
    Instant firstStart = started.startedAt();
    started.apply(RETRIED);
    assertThat(started.startedAt()).isNotNull().isEqualTo(firstStart);
  }

  @Test
  void aTaskLostWhilePausedWaitsToRunAgain() {
    Run run = aRun().inFirstStage().then(dispatched("s0-t0", 1), PAUSED, lost("s0-t0", 1)).build();
    assertThat(run.task("s0-t0").state()).isEqualTo(TaskState.PENDING);
  }

  @Test
  void retriedResetsTheFailedAndCancelledTasksAndTheStagesThatDidNotSucceed() {
    Run run =
        aRun()
            .withSpawned(3)
            .then(dispatched("s1-t0", 1), succeeded("s1-t0", 1))
            .then(dispatched("s1-t1", 1), failed("s1-t1", 1), cancelled())
            .build();
    assertThat(run.state()).isEqualTo(RunState.CANCELLED);

    Changes changes = run.apply(RETRIED);

    assertThat(run.state()).isEqualTo(RunState.RUNNING);
    assertThat(run.retried()).isEqualTo(1);
    assertThat(run.stage(0).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.stage(1).state()).isEqualTo(TaskState.RUNNING);
    assertThat(run.stage(1).error()).isNull();
    assertThat(run.task("s1-t0").state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.task("s1-t1").state()).isEqualTo(TaskState.PENDING);
    assertThat(run.task("s1-t1").attempts()).hasSize(1);
    assertThat(run.task("s1-t1").attemptsSinceRetry()).isEmpty();
    assertThat(run.task("s1-t2").state()).isEqualTo(TaskState.PENDING);
    assertThat(run.stage(1).counts().get(TaskState.PENDING)).isEqualTo(2);
    assertThat(changes.tasks()).extracting(TaskRun::id).containsExactly("s1-t1", "s1-t2");
    assertThat(changes.stages()).containsExactly(1);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("paused before it started", aRun(), PAUSED),
        Arguments.of("paused twice", aRun().started().then(PAUSED), PAUSED),
        Arguments.of("paused once it ended", aRun().started().then(ended(RunState.FAILED)), PAUSED),
        Arguments.of("resumed while running", aRun().started(), RESUMED),
        Arguments.of("resumed once it ended", aRun().started().then(cancelled()), RESUMED),
        Arguments.of("retried while running", aRun().started(), RETRIED),
        Arguments.of("retried while paused", aRun().started().then(PAUSED), RETRIED),
        Arguments.of(
            "retried after it succeeded",
            aRun().started().then(ended(RunState.SUCCEEDED)),
            RETRIED),
        Arguments.of("retried before it started", aRun(), RETRIED),
        Arguments.of(
            "started again once it failed",
            aRun().started().then(ended(RunState.FAILED)),
            started()),
        Arguments.of("started from paused", aRun().started().then(PAUSED), started()),
        Arguments.of(
            "ended as running once it failed",
            aRun().started().then(ended(RunState.FAILED)),
            new RunEvent.Ended(T0, RunState.RUNNING, null)),
        Arguments.of(
            "ended as paused", aRun().started(), new RunEvent.Ended(T0, RunState.PAUSED, null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusedEventsThrowAndChangeNothing(String name, RunBuilder given, RunEvent event) {
    Run run = given.build();
    long version = run.version();
    RunState state = run.state();

    assertThatThrownBy(() -> run.apply(event)).isInstanceOf(IllegalTransitionException.class);

    assertThat(run.version()).isEqualTo(version);
    assertThat(run.state()).isEqualTo(state);
  }

  @Test
  void aSucceededStageKeepsEverythingOnRetry() {
    Run run =
        aRun()
            .withSpawned(1)
            .then(dispatched("s1-t0", 1), failed("s1-t0", 1))
            .then(stageEnded(1, TaskState.SUCCEEDED), ended(RunState.FAILED))
            .build();

    run.apply(RETRIED);

    assertThat(run.stage(1).state()).isEqualTo(TaskState.SUCCEEDED);
    assertThat(run.task("s1-t0").state())
        .as("a failure the succeeded stage tolerated is kept")
        .isEqualTo(TaskState.FAILED);
  }
}
