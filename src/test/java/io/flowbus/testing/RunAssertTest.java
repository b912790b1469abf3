package io.flowbus.testing;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatThrownBy;
import static io.flowbus.testing.RunBuilder.aFailedRunWithRetries;
import static io.flowbus.testing.RunBuilder.aRunningFanOut;

import io.flowbus.model.AttemptState;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A failed run assertion says what was expected and shows the whole run. */
class RunAssertTest {
  @Test
  void aWrongStateShowsEveryStageAndTask() {
    assertThatThrownBy(
            () -> assertThat(aFailedRunWithRetries(1).build()).hasState(RunState.SUCCEEDED))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expected run run-1 to be SUCCEEDED but was FAILED")
        .hasMessageContaining("run run-1 of job fetch-all: FAILED (boom)")
        .hasMessageContaining("stage 0 'Prepare': FAILED")
        .hasMessageContaining("s0-t0 FAILED attempts [FAILED, FAILED] (exited with code 1)")
        .hasMessageContaining("stage 1 'Fetch': PENDING");
  }

  @Test
  void taskCountsLeftOutMustBeZero() {
    assertThatThrownBy(() -> assertThat(aRunningFanOut(2).build()).hasTaskCounts(1, Map.of()))
        .hasMessageContaining("to have in stage 1 the task counts {PENDING=0, RUNNING=0")
        .hasMessageContaining("but they were {PENDING=0, RUNNING=2");
  }

  @Test
  void stagesAttemptsAndTasksNameWhatDiffers() {
    assertThatThrownBy(() -> assertThat(aRunningFanOut(1).build()).hasStages(TaskState.SUCCEEDED))
        .hasMessageContaining("to have stages [SUCCEEDED] but they were [SUCCEEDED, RUNNING]");
    assertThatThrownBy(
            () ->
                assertThat(aRunningFanOut(1).build()).hasAttempts("s1-t0", AttemptState.SUCCEEDED))
        .hasMessageContaining("to have the attempts [SUCCEEDED] of s1-t0 but they were [RUNNING]");
    assertThatThrownBy(() -> assertThat(aRunningFanOut(1).build()).hasTask("s1-t9", null))
        .hasMessageContaining("to have a task s1-t9 but it has none");
  }

  @Test
  void aLongStageIsCutShort() {
    assertThatThrownBy(() -> assertThat(aRunningFanOut(25).build()).hasErrorContaining("x"))
        .hasMessageContaining("to have an error containing 'x'")
        .hasMessageContaining("s1-t18 RUNNING")
        .hasMessageNotContaining("s1-t19 RUNNING")
        .hasMessageContaining("... 6 more");
  }
}
