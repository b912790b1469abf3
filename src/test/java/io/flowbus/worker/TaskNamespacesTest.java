package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.model.AttemptState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task run as the task user in namespaces of its own ends as it did without them: its exit code,
 * the reason it could not start, its timeout and cancel (which reach the task itself, not only the
 * namespace's init), and what it left running is stopped. Runs only as root on a host where {@code
 * unshare} works. These are the util-linux chain's; {@link IsolatingNamespacesTest} runs them all
 * through {@code flowbus-session -u}.
 */
class TaskNamespacesTest {
  /** Long: a TERM that did not stop the task would show as an outcome that does not come. */
  private static final Duration GRACE = Duration.ofSeconds(60);

  private ExecutorService pumps;
  private ScheduledExecutorService timer;
  private Path workDir;
  private TaskSandbox sandbox;
  private CommandRunner runner;
  @TempDir Path localDir;
  private final List<Long> sessionsToClean = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    assumeThat(TaskUser.ownUid()).as("runs as root").isZero();
    workDir = Files.createTempDirectory(Path.of("/tmp"), "flowbus-namespaces-");
    Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    sandbox = sandbox(workDir);
    assumeThat(sandbox.ownNamespaces()).as("this host can create namespaces").isTrue();
    pumps = Executors.newCachedThreadPool();
    timer = Executors.newSingleThreadScheduledExecutor();
    runner = new CommandRunner(pumps, timer, sandbox, null);
  }

  /** The sandbox under test: here the util-linux chain (unshare, a shell init, setpriv). */
  TaskSandbox sandbox(Path workDir) throws IOException {
    TaskSandbox chain = TaskSandbox.detect("nobody", List.of(workDir), null);
    assumeThat(chain.ownNamespaces()).as("this host can create namespaces").isTrue();
    assertThat(chain.programs()).containsExactly("setsid", "unshare", "sh", "setpriv");
    return chain;
  }

  @AfterEach
  void tearDown() throws IOException {
    for (long sid : sessionsToClean) {
      ProcStat.session(sid)
          .forEach(p -> ProcessHandle.of(p.pid()).ifPresent(h -> h.destroyForcibly()));
    }
    if (pumps != null) {
      pumps.shutdownNow();
      timer.shutdownNow();
    }
    if (workDir != null) {
      try (var files = Files.list(workDir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(workDir);
    }
  }

  @Test
  void exitCodesAndSignalsAreTheTasksOwn() {
    assertThat(outcomeOf(start("exit 7", null)))
        .isEqualTo(new CommandOutcome(AttemptState.FAILED, 7, "exited with code 7"));
    assertThat(outcomeOf(start("kill -KILL $$", null)))
        .isEqualTo(
            new CommandOutcome(
                AttemptState.FAILED, 137, "exited with code 137: killed by signal 9"));
  }

  @Test
  void aProgramThatCannotStartFailsWithTheReason() throws Exception {
    Path script = workDir.resolve("broken.sh");
    Files.writeString(script, "#!/flowbus/no/such/interpreter\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

    CommandOutcome outcome = outcomeOf(runner.start(spec(List.of("./broken.sh"), null)));

    assertThat(outcome)
        .isEqualTo(
            new CommandOutcome(
                AttemptState.FAILED, 127, "cannot start './broken.sh': No such file or directory"));
    assertThatThrownBy(() -> runner.start(spec(List.of("flowbus-no-such-program"), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("command 'flowbus-no-such-program' not found on the task's PATH");
  }

  @Test
  void aTimeoutStopsTheTaskAndWhatItLeftRunning() {
    RunningCommand command =
        start(
            "sleep 171 & bash -c 'set -m; sleep 172 </dev/null >/dev/null 2>&1 &'; exec sleep 300",
            Duration.ofMillis(500));

    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome.error()).isEqualTo("timed out after 500ms");
    assertThat(ProcStat.session(command.pid())).as("left in the session").isEmpty();
  }

  @Test
  void aCancelReachesATaskThatFinishesGracefully() throws Exception {
    RunningCommand command =
        start("trap 'echo stopping; exit 0' TERM; touch ready; sleep 300 & wait", null);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(workDir.resolve("ready")));

    command.stop(AttemptState.CANCELLED, "cancelled");

    assertThat(outcomeOf(command))
        .isEqualTo(new CommandOutcome(AttemptState.CANCELLED, 0, "cancelled"));
    assertThat(Files.readString(workDir.resolve("out.log"))).isEqualTo("stopping\n");
    assertThat(ProcStat.session(command.pid())).as("left in the session").isEmpty();
  }

  @Test
  void aTaskThatEndsOnATermToItsSessionEndsWithItsOwnCodeEveryTime() throws Exception {
    // the TERM reaches the init as the task ends: its wait answers 143 whatever the task exits with
    for (int i = 0; i < 36; i++) {
      int code = List.of(0, 3, 127).get(i % 3);
      String ready = "ready-" + i;
      RunningCommand command =
          start("trap 'exit " + code + "' TERM; touch " + ready + "; sleep 300 & wait", null);
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(workDir.resolve(ready)));

      TaskUser.run(List.of("kill", "-TERM", "--", "-" + command.pid())); // all at once, as kill(2)

      assertThat(outcomeOf(command).exitCode()).as("attempt %d", i).isEqualTo(code);
    }
  }

  @Test
  void aCancelGivesWhatTheTaskStartedTheGracePeriodToo() throws Exception {
    RunningCommand command =
        start(
            "(trap 'echo term >> child.log; sleep 1; echo cleaned >> child.log; exit 0' TERM;"
                + " touch ready; sleep 300 & wait) & sleep 300",
            null);
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(workDir.resolve("ready")));

    command.stop(AttemptState.CANCELLED, "cancelled");

    assertThat(outcomeOf(command).state()).isEqualTo(AttemptState.CANCELLED);
    // the task's main process ends at once, its init with it: the child was not cut short
    assertThat(Files.readString(workDir.resolve("child.log"))).isEqualTo("term\ncleaned\n");
  }

  @Test
  void whatATaskLeftRunningGetsATermAndTheGracePeriodWhenItExits() throws Exception {
    RunningCommand command =
        start(
            "(trap 'sleep 1; echo cleaned > child.log; exit 0' TERM; touch ready;"
                + " sleep 300 & wait) & while [ ! -e ready ]; do sleep 0.05; done; exit 4",
            null);

    assertThat(outcomeOf(command).exitCode()).isEqualTo(4);
    assertThat(Files.readString(workDir.resolve("child.log"))).isEqualTo("cleaned\n");
  }

  @Test
  void theInitsOwnVariablesComeNotFromTheTasksEnvironment() throws Exception {
    String script =
        "(trap 'echo cleaned > child.log; exit 0' TERM; touch ready; sleep 300 & wait) &"
            + " while [ ! -e ready ]; do sleep 0.05; done; exit 4";
    RunningCommand command = start(script, null, Map.of("t", "1", "T", "1"));

    assertThat(outcomeOf(command).exitCode()).isEqualTo(4);
    assertThat(Files.readString(workDir.resolve("child.log")))
        .as("what it left got the TERM")
        .isEqualTo("cleaned\n");
  }

  @Test
  void theInitRunsNoProgramFromTheTasksPath() throws Exception {
    Path bin = Files.createDirectories(workDir.resolve("bin"));
    Path sleep = bin.resolve("sleep");
    try {
      Files.writeString(sleep, "#!/bin/sh\nid -u >> " + workDir + "/ran-as\n");
      Files.setPosixFilePermissions(sleep, PosixFilePermissions.fromString("rwxr-xr-x"));
      String path = bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
      // what it leaves ignores TERM, so the init waits for it (with sleep) after the task ends
      String script =
          "(trap '' TERM; touch left; /bin/sleep 0.5) &"
              + " while [ ! -e left ]; do /bin/sleep 0.05; done; exit 4";

      RunningCommand command = start(script, null, Map.of("PATH", path));

      assertThat(outcomeOf(command).exitCode()).isEqualTo(4);
      assertThat(workDir.resolve("ran-as")).as("the task's sleep, run by the init").doesNotExist();
    } finally {
      Files.deleteIfExists(sleep);
      Files.delete(bin);
    }
  }

  @Test
  void whatANodeThatDiedLeftInItsNamespacesIsStoppedBeforeTheNextAttempt() throws Exception {
    SessionRecords dead = SessionRecords.open(localDir);
    runner = new CommandRunner(pumps, timer, sandbox, dead);
    RunningCommand left = start("sleep 171 & exec sleep 172", null);
    await() // setsid's unshare, the init, the two sleeps
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcStat.session(left.pid()).size() >= 4);
    Path folder = dead.folder();
    dead.close(); // a session is recorded as running: close() leaves the folder
    Files.move(folder, folder.resolveSibling("node-1-" + folder.getFileName()));

    try (SessionRecords live = SessionRecords.open(localDir)) {
      runner = new CommandRunner(pumps, timer, sandbox, live);
      outcomeOf(start("true", null));
    }

    assertThat(ProcStat.session(left.pid())).as("the dead node's attempt").isEmpty();
  }

  private RunningCommand start(String script, Duration timeout) {
    return start(script, timeout, Map.of());
  }

  private RunningCommand start(String script, Duration timeout, Map<String, String> variables) {
    try {
      RunningCommand command = runner.start(spec(List.of("sh", "-c", script), timeout, variables));
      sessionsToClean.add(command.pid());
      return command;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private CommandSpec spec(List<String> argv, Duration timeout) {
    return spec(argv, timeout, Map.of());
  }

  private CommandSpec spec(List<String> argv, Duration timeout, Map<String, String> variables) {
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.putAll(variables);
    return new CommandSpec(
        argv,
        workDir,
        environment,
        List.of(),
        workDir.resolve("out.log"),
        workDir.resolve("err.log"),
        1_000_000,
        timeout,
        GRACE);
  }

  private static CommandOutcome outcomeOf(RunningCommand command) {
    await().atMost(Duration.ofSeconds(30)).until(command.outcome()::isDone);
    return command.outcome().join();
  }
}
