package io.flowbus.storage;

import static io.flowbus.storage.JournalFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.AttemptState;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskRun;
import io.flowbus.model.TaskState;
import io.flowbus.testing.JournalEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journals holding pauses, resumes and retries replay to the run the orchestrator had. */
class JournalPauseRetryTest {
  @TempDir Path data;
  private JournalFixture fixture;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new JournalFixture(data);
  }

  @Test
  void aRetriedRunPausedAgainReplaysPausedWithItsHistoryAndItsCount() throws Exception {
    List<RunEvent> events = new ArrayList<>(fixture.succeededRun(3).subList(0, 6));
    events.addAll(
        List.of(
            new RunEvent.TaskDispatched(T, "s0-t0", 1, "n1"),
            new RunEvent.Paused(T),
            new RunEvent.TaskEnded(T, "s0-t0", 1, AttemptState.SUCCEEDED, 0, null, null),
            new RunEvent.Resumed(T),
            new RunEvent.TaskDispatched(T, "s0-t1", 1, "n1"),
            new RunEvent.TaskEnded(T, "s0-t1", 1, AttemptState.FAILED, 1, "exit 1", null),
            new RunEvent.Cancelled(T, "cancelled on request"),
            new RunEvent.Retried(T),
            new RunEvent.TaskDispatched(T, "s0-t1", 2, "n2"),
            new RunEvent.Paused(T)));
    fixture.write(events);
    Run expected = Run.create((RunEvent.Created) events.get(0));
    events.subList(1, events.size()).forEach(expected::apply);

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.PAUSED);
    assertThat(run.retried()).isEqualTo(1);
    assertThat(run.version()).isEqualTo(expected.version());
    assertThat(run.stage(0).state()).isEqualTo(TaskState.RUNNING);
    for (TaskRun task : expected.stage(0).allTasks()) {
      TaskRun replayed = run.task(task.id());
      assertThat(replayed.state()).as(task.id()).isEqualTo(task.state());
      assertThat(replayed.attempts()).as(task.id()).hasSameSizeAs(task.attempts());
    }
    assertThat(run.task("s0-t1").currentAttempt().node()).isEqualTo("n2");
    assertThat(run.task("s0-t2").state())
        .as("cancelled, then retried")
        .isEqualTo(TaskState.PENDING);
    assertThat(JournalEvents.of(data, JournalFixture.RUN))
        .extracting(e -> e.getString("type"))
        .contains("paused", "resumed", "retried");
  }

  @Test
  void aRunEndedAfterARetryStaysEndedOnReplay() throws Exception {
    List<RunEvent> events = new ArrayList<>(fixture.succeededRun(1).subList(0, 6));
    events.addAll(
        List.of(
            new RunEvent.TaskDispatched(T, "s0-t0", 1, "n1"),
            new RunEvent.TaskEnded(T, "s0-t0", 1, AttemptState.FAILED, 1, "exit 1", null),
            new RunEvent.StageEnded(T, 0, TaskState.FAILED, "a task failed"),
            new RunEvent.Ended(T, RunState.FAILED, "stage 0 failed"),
            new RunEvent.Retried(T),
            new RunEvent.TaskDispatched(T, "s0-t0", 2, "n1"),
            new RunEvent.TaskEnded(T, "s0-t0", 2, AttemptState.SUCCEEDED, 0, null, null),
            new RunEvent.StageEnded(T, 0, TaskState.SUCCEEDED, null),
            new RunEvent.Ended(T, RunState.SUCCEEDED, null)));
    fixture.write(events);

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.retried()).isEqualTo(1);
    assertThat(run.error()).isNull();
    assertThat(run.task("s0-t0").attempts())
        .extracting(a -> a.state())
        .containsExactly(AttemptState.FAILED, AttemptState.SUCCEEDED);
  }
}
