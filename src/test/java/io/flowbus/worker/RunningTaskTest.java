package io.flowbus.worker;

import static io.flowbus.worker.CommandSpecBuilder.aCommand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.cluster.TaskAssignment;
import io.flowbus.model.AttemptState;
import io.flowbus.model.TaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stop that comes while the attempt's command is still being started is not lost. */
class RunningTaskTest {
  @TempDir Path tmp;

  private ExecutorService pumps;
  private ScheduledExecutorService timer;
  private CommandRunner runner;

  @BeforeEach
  void setUp() {
    pumps = Executors.newCachedThreadPool();
    timer = Executors.newSingleThreadScheduledExecutor();
    runner = new CommandRunner(pumps, timer, TaskSandbox.sessionsOnly(), null);
  }

  @AfterEach
  void tearDown() {
    pumps.shutdownNow();
    timer.shutdownNow();
  }

  @Test
  void aStopBeforeTheCommandHasStartedStopsItOnceItHas() throws Exception {
    RunningTask task = new RunningTask(assignment());

    task.stop(AttemptState.CANCELLED, "the run was cancelled");
    RunningCommand command = sleep();
    task.started(command);

    CommandOutcome outcome = outcomeOf(command);
    assertThat(outcome.state()).isEqualTo(AttemptState.CANCELLED);
    assertThat(outcome.error()).isEqualTo("the run was cancelled");
  }

  @Test
  void ofTwoStopsBeforeTheStartTheFirstCounts() throws Exception {
    RunningTask task = new RunningTask(assignment());

    task.stop(AttemptState.CANCELLED, "the run was cancelled");
    task.stop(AttemptState.LOST, "node stopped");
    RunningCommand command = sleep();
    task.started(command);

    assertThat(outcomeOf(command).state()).isEqualTo(AttemptState.CANCELLED);
  }

  private RunningCommand sleep() throws Exception {
    Path work = Files.createDirectories(tmp.resolve("work"));
    return runner.start(
        aCommand("sleep", "300")
            .in(work)
            .logsTo(tmp.resolve("out.log"), tmp.resolve("err.log"))
            .stopGrace(Duration.ofMillis(300))
            .build());
  }

  private static TaskAssignment assignment() {
    return new TaskAssignment(
        "r1",
        "s0-t0",
        1,
        0,
        0,
        TaskKind.TASK,
        "sleep",
        List.of("300"),
        Map.of(),
        List.of(),
        List.of(),
        0);
  }

  private static CommandOutcome outcomeOf(RunningCommand command) {
    await().atMost(Duration.ofSeconds(30)).until(command.outcome()::isDone);
    return command.outcome().join();
  }
}
