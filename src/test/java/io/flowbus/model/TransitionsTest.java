package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TransitionsTest {
  private static final Map<RunState, Set<RunState>> RUN_ALLOWED =
      Map.of(
          RunState.CREATED, EnumSet.of(RunState.RUNNING, RunState.CANCELLED, RunState.DAMAGED),
          RunState.RUNNING,
              EnumSet.of(
                  RunState.PAUSED,
                  RunState.SUCCEEDED,
                  RunState.FAILED,
                  RunState.CANCELLED,
                  RunState.DAMAGED),
          RunState.PAUSED,
              EnumSet.of(
                  RunState.RUNNING,
                  RunState.SUCCEEDED,
                  RunState.FAILED,
                  RunState.CANCELLED,
                  RunState.DAMAGED),
          RunState.SUCCEEDED, EnumSet.of(RunState.DAMAGED),
          RunState.FAILED, EnumSet.of(RunState.RUNNING, RunState.DAMAGED),
          RunState.CANCELLED, EnumSet.of(RunState.RUNNING, RunState.DAMAGED));
  private static final Map<TaskState, Set<TaskState>> STAGE_ALLOWED =
      Map.of(
          TaskState.PENDING, EnumSet.of(TaskState.RUNNING, TaskState.CANCELLED, TaskState.SKIPPED),
          TaskState.RUNNING, EnumSet.of(TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED),
          TaskState.FAILED, EnumSet.of(TaskState.RUNNING),
          TaskState.CANCELLED, EnumSet.of(TaskState.RUNNING, TaskState.PENDING),
          TaskState.SKIPPED, EnumSet.of(TaskState.PENDING));
  private static final Map<TaskState, Set<TaskState>> TASK_ALLOWED =
      Map.of(
          TaskState.PENDING,
          EnumSet.of(TaskState.RUNNING, TaskState.FAILED, TaskState.CANCELLED, TaskState.SKIPPED),
          TaskState.RUNNING,
          EnumSet.of(TaskState.PENDING, TaskState.SUCCEEDED, TaskState.FAILED, TaskState.CANCELLED),
          TaskState.FAILED,
          EnumSet.of(TaskState.PENDING),
          TaskState.CANCELLED,
          EnumSet.of(TaskState.PENDING),
          TaskState.SKIPPED,
          EnumSet.of(TaskState.PENDING));

  // ---------------------------------------------------------------- allowed

  @ParameterizedTest(name = "run {0} -> {1}")
  @CsvSource({
    "CREATED, RUNNING",
    "CREATED, CANCELLED",
    "RUNNING, SUCCEEDED",
    "RUNNING, FAILED",
    "RUNNING, CANCELLED",
    "CREATED, DAMAGED",
    "RUNNING, DAMAGED",
    "SUCCEEDED, DAMAGED", // a journal found corrupt after the run ended
    "FAILED, DAMAGED",
    "CANCELLED, DAMAGED",
    "RUNNING, PAUSED", // pause
    "PAUSED, RUNNING", // resume
    "PAUSED, CANCELLED", // cancel a paused run
    "PAUSED, SUCCEEDED", // its last running tasks finished the work
    "PAUSED, FAILED", // a task that ran on failed it
    "PAUSED, DAMAGED",
    "FAILED, RUNNING", // retry
    "CANCELLED, RUNNING" // retry
  })
  void allowedRunTransitionsPass(RunState from, RunState to) {
    assertThatCode(() -> Transitions.checkRun(from, to)).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "stage {0} -> {1}")
  @CsvSource({
    "PENDING, RUNNING",
    "PENDING, CANCELLED",
    "PENDING, SKIPPED", // a dependency failed or was skipped
    "RUNNING, SUCCEEDED",
    "RUNNING, FAILED",
    "RUNNING, CANCELLED",
    "FAILED, RUNNING", // the run was retried
    "CANCELLED, RUNNING", // retried, it had started
    "CANCELLED, PENDING", // retried, it was cancelled before it started
    "SKIPPED, PENDING" // retried, it was skipped
  })
  void allowedStageTransitionsPass(TaskState from, TaskState to) {
    assertThatCode(() -> Transitions.checkStage(from, to)).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "task {0} -> {1}")
  @CsvSource({
    "PENDING, RUNNING",
    "PENDING, FAILED", // rejected before any worker ran it
    "PENDING, CANCELLED",
    "PENDING, SKIPPED", // its stage will not run
    "RUNNING, PENDING", // retry or lost worker
    "RUNNING, SUCCEEDED",
    "RUNNING, FAILED",
    "RUNNING, CANCELLED",
    "FAILED, PENDING", // the run was retried
    "CANCELLED, PENDING" // the run was retried
  })
  void allowedTaskTransitionsPass(TaskState from, TaskState to) {
    assertThatCode(() -> Transitions.checkTask(from, to)).doesNotThrowAnyException();
  }

  // ---------------------------------------------------------------- named illegal ones

  @ParameterizedTest(name = "run {0} -> {1}")
  @CsvSource({
    "SUCCEEDED, RUNNING",
    "CREATED, SUCCEEDED",
    "CREATED, FAILED",
    "FAILED, SUCCEEDED",
    "RUNNING, CREATED",
    "CREATED, PAUSED", // only a running run is paused
    "PAUSED, PAUSED",
    "PAUSED, CREATED",
    "SUCCEEDED, PAUSED",
    "FAILED, PAUSED",
    "CANCELLED, PAUSED",
    "DAMAGED, PAUSED",
    "RUNNING, RUNNING",
    "DAMAGED, RUNNING", // a damaged run is never resumed
    "DAMAGED, SUCCEEDED",
    "DAMAGED, DAMAGED"
  })
  void illegalRunTransitionsThrow(RunState from, RunState to) {
    assertThatThrownBy(() -> Transitions.checkRun(from, to))
        .isInstanceOf(IllegalTransitionException.class)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("run cannot go from " + from + " to " + to);
  }

  @ParameterizedTest(name = "stage {0} -> {1}")
  @CsvSource({
    "SUCCEEDED, RUNNING",
    "PENDING, SUCCEEDED",
    "PENDING, FAILED", // a stage fails only once it has run
    "RUNNING, PENDING",
    "FAILED, SUCCEEDED",
    "FAILED, PENDING", // a failed stage had started: it runs again
    "SUCCEEDED, PENDING" // a retry keeps what succeeded
  })
  void illegalStageTransitionsThrow(TaskState from, TaskState to) {
    assertThatThrownBy(() -> Transitions.checkStage(from, to))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage("stage cannot go from " + from + " to " + to);
  }

  @ParameterizedTest(name = "task {0} -> {1}")
  @CsvSource({
    "PENDING, SUCCEEDED",
    "SUCCEEDED, RUNNING",
    "SUCCEEDED, PENDING", // a retry never runs a succeeded task again
    "SUCCEEDED, FAILED",
    "CANCELLED, RUNNING",
    "FAILED, RUNNING",
    "FAILED, SUCCEEDED",
    "RUNNING, RUNNING",
    "PENDING, PENDING"
  })
  void illegalTaskTransitionsThrow(TaskState from, TaskState to) {
    assertThatThrownBy(() -> Transitions.checkTask(from, to))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessage("task cannot go from " + from + " to " + to);
  }

  // ---------------------------------------------------------------- everything else

  static Stream<Arguments> otherRunTransitions() {
    return pairs(RunState.class, RUN_ALLOWED);
  }

  static Stream<Arguments> otherStageTransitions() {
    return pairs(TaskState.class, STAGE_ALLOWED);
  }

  static Stream<Arguments> otherTaskTransitions() {
    return pairs(TaskState.class, TASK_ALLOWED);
  }

  @ParameterizedTest(name = "run {0} -> {1}")
  @MethodSource("otherRunTransitions")
  void everyOtherRunTransitionThrows(RunState from, RunState to) {
    assertThatThrownBy(() -> Transitions.checkRun(from, to))
        .isInstanceOf(IllegalTransitionException.class);
  }

  @ParameterizedTest(name = "stage {0} -> {1}")
  @MethodSource("otherStageTransitions")
  void everyOtherStageTransitionThrows(TaskState from, TaskState to) {
    assertThatThrownBy(() -> Transitions.checkStage(from, to))
        .isInstanceOf(IllegalTransitionException.class);
  }

  @ParameterizedTest(name = "task {0} -> {1}")
  @MethodSource("otherTaskTransitions")
  void everyOtherTaskTransitionThrows(TaskState from, TaskState to) {
    assertThatThrownBy(() -> Transitions.checkTask(from, to))
        .isInstanceOf(IllegalTransitionException.class);
  }

  /** Every (from, to) pair of {@code type} that {@code allowed} does not list. */
  private static <S extends Enum<S>> Stream<Arguments> pairs(
      Class<S> type, Map<S, Set<S>> allowed) {
    return EnumSet.allOf(type).stream()
        .flatMap(
            from ->
                EnumSet.allOf(type).stream()
                    .filter(to -> !allowed.getOrDefault(from, Set.of()).contains(to))
                    .map(to -> Arguments.of(from, to)));
  }
}
