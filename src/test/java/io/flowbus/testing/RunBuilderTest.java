package io.flowbus.testing;

import static io.flowbus.model.AttemptState.FAILED;
import static io.flowbus.model.TaskState.PENDING;
import static io.flowbus.model.TaskState.RUNNING;
import static io.flowbus.model.TaskState.SUCCEEDED;
import static io.flowbus.testing.DefinitionsBuilder.oneTaskJob;
import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.RunBuilder.aFailedRunWithRetries;
import static io.flowbus.testing.RunBuilder.aRun;
import static io.flowbus.testing.RunBuilder.aRunningFanOut;
import static io.flowbus.testing.RunBuilder.aSucceededRun;

import io.flowbus.model.Run;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The named runs are what their names say, and replay without an illegal transition. */
class RunBuilderTest {
  @Test
  void aSucceededRunSucceededEveryStage() {
    assertThat(aSucceededRun().build())
        .hasState(RunState.SUCCEEDED)
        .hasStages(SUCCEEDED, SUCCEEDED)
        .hasTaskCounts(1, Map.of(SUCCEEDED, 2))
        .hasNoError();
  }

  @Test
  void aFailedRunWithRetriesFailedEveryAttemptOfItsFirstTask() {
    Run run = aFailedRunWithRetries(2).build();

    assertThat(run)
        .hasState(RunState.FAILED)
        .hasStages(TaskState.FAILED, PENDING)
        .hasTask("s0-t0", TaskState.FAILED)
        .hasAttempts("s0-t0", FAILED, FAILED, FAILED);
    assertThat(run.plan().taskClass("prepare").retries()).isEqualTo(2);
  }

  @Test
  void aRunningFanOutRunsEveryTaskOfItsSecondStage() {
    assertThat(aRunningFanOut(3).build())
        .hasState(RunState.RUNNING)
        .hasStages(SUCCEEDED, TaskState.RUNNING)
        .hasTaskCounts(1, Map.of(RUNNING, 3));
  }

  @Test
  void anotherPlanStartsWithoutTheInputsOfTheDefaultJob() {
    Run run = aRun().withPlan(oneTaskJob("j", "t").plan("j")).withId("r").inFirstStage().build();

    assertThat(run).hasStages(TaskState.RUNNING).hasTask("s0-t0", PENDING);
    assertThat(run.id()).isEqualTo("r");
    assertThat(run.inputs()).isEmpty();
  }
}
