package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flowbus.model.AttemptState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.ThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs real processes through {@link CommandRunner}. */
class CommandRunnerTest {
  private static final Duration LONG_GRACE = Duration.ofSeconds(5);
  private static final Duration SHORT_GRACE = Duration.ofMillis(300);

  @TempDir Path tmp;

  private ExecutorService pumps;
  private ScheduledExecutorService timer;
  private CommandRunner runner;
  private Path workDir;
  private Path stdout;
  private Path stderr;
  private final List<Long> pidsToKill = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    pumps = Executors.newCachedThreadPool();
    timer = Executors.newSingleThreadScheduledExecutor();
    runner = new CommandRunner(pumps, timer, sandbox(), null);
    workDir = Files.createDirectories(tmp.resolve("work"));
    stdout = tmp.resolve("logs").resolve("task.stdout.log");
    stderr = tmp.resolve("logs").resolve("task.stderr.log");
  }

  /** How commands start: through util-linux setsid here, {@link SessionLauncher} in a subclass. */
  TaskSandbox sandbox() throws IOException {
    return TaskSandbox.sessionsOnly();
  }

  @AfterEach
  void tearDown() {
    // whatever a failed test left running must not outlive it
    for (long pid : pidsToKill) {
      ProcessHandle.of(pid)
          .ifPresent(
              h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
              });
    }
    pumps.shutdownNow();
    timer.shutdownNow();
  }

  // --- exit codes ------------------------------------------------------------------------------

  @Test
  void exitZeroSucceedsAndCapturesStdout() throws Exception {
    RunningCommand command = start(spec(List.of("printf", "hello %s\\n", "world")));

    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome).isEqualTo(new CommandOutcome(AttemptState.SUCCEEDED, 0, null));
    assertThat(read(stdout)).isEqualTo("hello world\n");
    assertThat(read(stderr)).isEmpty();
  }

  @Test
  void nonZeroExitFailsWithTheCodeAndKeepsStderr() throws Exception {
    RunningCommand command = start(spec(List.of("sh", "-c", "echo oops >&2; exit 3")));

    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome).isEqualTo(new CommandOutcome(AttemptState.FAILED, 3, "exited with code 3"));
    assertThat(read(stderr)).isEqualTo("oops\n");
    assertThat(read(stdout)).isEmpty();
  }

  @Test
  void falseFailsWithCodeOne() throws Exception {
    CommandOutcome outcome = outcomeOf(start(spec(List.of("false"))));

    assertThat(outcome).isEqualTo(new CommandOutcome(AttemptState.FAILED, 1, "exited with code 1"));
  }

  @Test
  void deathBySignalIsReportedAsSuch() throws Exception {
    CommandOutcome outcome = outcomeOf(start(spec(List.of("sh", "-c", "kill -9 $$"))));

    assertThat(outcome)
        .isEqualTo(
            new CommandOutcome(
                AttemptState.FAILED, 137, "exited with code 137: killed by signal 9"));
  }

  // --- programs that cannot start ---------------------------------------------------------------

  @Test
  void missingBinaryFailsAtOnceNamingTheCommand() {
    CommandSpec spec = spec(List.of("flowbus-no-such-program", "arg"));

    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> runner.start(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flowbus-no-such-program")
                .hasMessageContaining("not found on the task's PATH")
                .hasMessageNotContaining("/usr/bin"));
  }

  @Test
  void missingRelativeProgramFailsAtOnce() {
    CommandSpec spec = spec(List.of("./missing.sh"));

    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> runner.start(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command './missing.sh' does not exist"));
  }

  @Test
  void fileThatIsNotExecutableFailsWithAClearMessage() throws IOException {
    Path script = workDir.resolve("script.sh");
    Files.writeString(script, "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
    CommandSpec spec = spec(List.of("./script.sh"));

    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () ->
            assertThatThrownBy(() -> runner.start(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("command './script.sh' is not an executable file"));
  }

  @Test
  void directoryIsNotAnExecutableFile() throws IOException {
    Files.createDirectories(workDir.resolve("tools"));

    assertThatThrownBy(() -> runner.start(spec(List.of("./tools"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("command './tools' is not an executable file");
  }

  @Test
  void programWhoseInterpreterIsMissingFailsAtOnceWithTheReason() throws Exception {
    Path script = executable(workDir.resolve("broken.sh"), "#!/flowbus/no/such/interpreter\n");
    assertThat(script).exists();

    CommandOutcome outcome = outcomeOf(start(spec(List.of("./broken.sh"))));

    assertThat(outcome)
        .isEqualTo(
            new CommandOutcome(
                AttemptState.FAILED, 127, "cannot start './broken.sh': No such file or directory"));
  }

  @Test
  void withoutSetsidAProgramThatCannotStartThrowsAtStart() throws IOException {
    runner = new CommandRunner(pumps, timer, new TaskSandbox(null, null, null), null);
    executable(workDir.resolve("broken.sh"), "#!/flowbus/no/such/interpreter\n");

    assertThatThrownBy(() -> runner.start(spec(List.of("./broken.sh"))))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot start './broken.sh': error=")
        .hasMessageNotContaining("Cannot run program");
  }

  // --- where and how the program runs -----------------------------------------------------------

  @Test
  void relativeCommandWithASlashIsResolvedAgainstTheWorkDir() throws Exception {
    executable(workDir.resolve("bin").resolve("tool.sh"), "#!/bin/sh\necho \"tool:$1\"\n");
    // the JVM's own working directory has no bin/tool.sh: only the workDir can provide it
    assertThat(Path.of("bin", "tool.sh")).doesNotExist();

    CommandOutcome outcome = outcomeOf(start(spec(List.of("bin/tool.sh", "x"))));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout)).isEqualTo("tool:x\n");
  }

  @Test
  void commandIsLookedUpOnThePathOfTheSpecNotOfTheJvm() throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    executable(bin.resolve("flowbus-hello"), "#!/bin/sh\necho from-bin\n");
    Map<String, String> env = baseEnvironment();
    env.put("PATH", bin + ":" + env.get("PATH"));

    CommandOutcome outcome = outcomeOf(start(spec(List.of("flowbus-hello"), env)));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout)).isEqualTo("from-bin\n");
  }

  @Test
  void shellMetacharactersReachTheProgramVerbatimAsSingleArguments() throws Exception {
    List<String> hostile =
        List.of(
            "; touch pwned",
            "$(touch pwned2)",
            "`touch pwned3`",
            "$(id)",
            "&& touch pwned4 ||",
            "| touch pwned5",
            "$HOME",
            "*",
            "two words",
            "'quoted' \"double\"",
            "");
    List<String> argv = new ArrayList<>(List.of("printf", "[%s]\\n"));
    argv.addAll(hostile);

    CommandOutcome outcome = outcomeOf(start(spec(argv)));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    StringBuilder expected = new StringBuilder();
    hostile.forEach(arg -> expected.append('[').append(arg).append("]\n"));
    assertThat(read(stdout)).isEqualTo(expected.toString());
    try (var files = Files.list(workDir)) {
      assertThat(files).isEmpty();
    }
    assertThat(Path.of("pwned")).doesNotExist();
  }

  @Test
  void processRunsInTheWorkDir() throws Exception {
    CommandOutcome outcome = outcomeOf(start(spec(List.of("pwd", "-P"))));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout)).isEqualTo(workDir.toRealPath() + "\n");
  }

  @Test
  void processGetsExactlyTheEnvironmentGiven() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("FLOWBUS_TEST_VALUE", "hello world; $(id)");
    assertThat(System.getenv()).containsKey("HOME"); // the JVM has one; the process must not

    CommandOutcome outcome = outcomeOf(start(spec(List.of("env"), env)));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout).lines())
        .containsExactlyInAnyOrder(
            "PATH=" + System.getenv("PATH"), "FLOWBUS_TEST_VALUE=hello world; $(id)");
  }

  @Test
  void processGetsTheNodesEnvironmentLessAndChangedAsGiven() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.remove("HOME");
    env.put("PATH", "/usr/bin:/bin");
    env.put("FLOWBUS_TEST_VALUE", "added");
    List<String> expected = new java.util.ArrayList<>();
    env.forEach((name, value) -> expected.add(name + "=" + value));

    CommandOutcome outcome = outcomeOf(start(spec(List.of("env", "-0"), env)));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout).split("\0")).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void stdinIsEmpty() throws Exception {
    CommandOutcome outcome = outcomeOf(start(spec(List.of("sh", "-c", "cat; echo done"))));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout)).isEqualTo("done\n");
  }

  // --- timeout and stop ------------------------------------------------------------------------

  @Test
  void timeoutStopsTheWholeProcessTree() throws Exception {
    CommandSpec spec =
        spec(
            List.of("sh", "-c", "sleep 300 & echo $! > child.pid; sleep 300"),
            baseEnvironment(),
            List.of(),
            1_000_000,
            Duration.ofMillis(500),
            LONG_GRACE);
    long started = System.nanoTime();
    RunningCommand command = start(spec);

    CommandOutcome outcome = outcomeOf(command);

    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(500))
        .isLessThan(LONG_GRACE);
    assertThat(outcome.state()).isEqualTo(AttemptState.FAILED);
    assertThat(outcome.error()).isEqualTo("timed out after 500ms");
    long child = childPid();
    awaitDead(command.pid());
    awaitDead(child);
  }

  @Test
  void cancelStopsTheWholeProcessTree() throws Exception {
    RunningCommand command =
        start(spec(List.of("sh", "-c", "sleep 300 & echo $! > child.pid; sleep 300")));
    long child = awaitChildPid();
    assertThat(alive(child)).isTrue();

    command.stop(AttemptState.CANCELLED, "cancelled");
    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome.state()).isEqualTo(AttemptState.CANCELLED);
    assertThat(outcome.error()).isEqualTo("cancelled");
    awaitDead(command.pid());
    awaitDead(child);
  }

  @Test
  void firstStopWins() throws Exception {
    RunningCommand command = start(spec(List.of("sleep", "300")));

    command.stop(AttemptState.CANCELLED, "cancelled");
    command.stop(AttemptState.FAILED, "timed out after 1s");
    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome.state()).isEqualTo(AttemptState.CANCELLED);
    assertThat(outcome.error()).isEqualTo("cancelled");
  }

  @Test
  void stopAfterTheProcessEndedChangesNothing() throws Exception {
    RunningCommand command = start(spec(List.of("true")));
    CommandOutcome outcome = outcomeOf(command);

    command.stop(AttemptState.CANCELLED, "cancelled");

    assertThat(outcome).isEqualTo(new CommandOutcome(AttemptState.SUCCEEDED, 0, null));
    assertThat(command.outcome().join()).isEqualTo(outcome);
  }

  @Test
  void processIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
    CommandSpec spec =
        spec(
            List.of("sh", "-c", "trap '' TERM; touch ready; sleep 300"),
            baseEnvironment(),
            List.of(),
            1_000_000,
            null,
            SHORT_GRACE);
    RunningCommand command = start(spec);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(workDir.resolve("ready")));

    long stopped = System.nanoTime();
    command.stop(AttemptState.CANCELLED, "cancelled");
    CommandOutcome outcome = outcomeOf(command);

    assertThat(Duration.ofNanos(System.nanoTime() - stopped))
        .isGreaterThanOrEqualTo(SHORT_GRACE)
        .isLessThan(LONG_GRACE);
    assertThat(outcome.state()).isEqualTo(AttemptState.CANCELLED);
    assertThat(outcome.exitCode()).as("killed by SIGKILL, not SIGTERM").isEqualTo(137);
    awaitDead(command.pid());
  }

  @Test
  void childrenIgnoringSigtermAreKilledAfterTheGracePeriodToo() throws Exception {
    CommandSpec spec =
        spec(
            List.of("sh", "-c", "trap '' TERM; sleep 300 & echo $! > child.pid; wait; sleep 300"),
            baseEnvironment(),
            List.of(),
            1_000_000,
            null,
            SHORT_GRACE);
    RunningCommand command = start(spec);
    long child = awaitChildPid();

    command.stop(AttemptState.CANCELLED, "cancelled");
    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome.state()).isEqualTo(AttemptState.CANCELLED);
    awaitDead(command.pid());
    awaitDead(child);
  }

  // --- output ----------------------------------------------------------------------------------

  @Test
  void outputBeyondTheCapIsDroppedWithAMarker() throws Exception {
    CommandSpec spec =
        spec(
            List.of("sh", "-c", "head -c 200000 /dev/zero | tr '\\0' a"),
            baseEnvironment(),
            List.of(),
            1000,
            null,
            LONG_GRACE);

    CommandOutcome outcome = outcomeOf(start(spec));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout))
        .isEqualTo(
            "a".repeat(1000)
                + "\n[flowbus: output cut at 1000 bytes; 199000 more bytes dropped]\n");
  }

  @Test
  void outputWithinTheCapHasNoMarker() throws Exception {
    CommandSpec spec =
        spec(
            List.of("sh", "-c", "head -c 1000 /dev/zero | tr '\\0' a"),
            baseEnvironment(),
            List.of(),
            1000,
            null,
            LONG_GRACE);

    outcomeOf(start(spec));

    assertThat(read(stdout)).isEqualTo("a".repeat(1000));
  }

  @Test
  void secretsAreMaskedInBothLogs() throws Exception {
    String secret = "s3cr3t-T0ken";
    CommandSpec spec =
        spec(
            List.of("sh", "-c", "echo \"token=$1 again:$1\"; echo \"err $1\" >&2", "sh", secret),
            baseEnvironment(),
            List.of(secret),
            1_000_000,
            null,
            LONG_GRACE);

    CommandOutcome outcome = outcomeOf(start(spec));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout)).isEqualTo("token=*** again:***\n");
    assertThat(read(stderr)).isEqualTo("err ***\n");
  }

  @Test
  void backgroundChildHoldingStdoutDoesNotHangTheOutcome() throws Exception {
    RunningCommand command =
        start(spec(List.of("sh", "-c", "sleep 30 & echo $! > child.pid; exit 0")));
    awaitChildPid(); // so that tearDown kills it

    await().atMost(Duration.ofSeconds(8)).until(command.outcome()::isDone);

    assertThat(command.outcome().join())
        .isEqualTo(new CommandOutcome(AttemptState.SUCCEEDED, 0, null));
  }

  @Test
  void whatALeftoverChildWritesWhileItIsStoppedIsKept() throws Exception {
    // the child's TERM trap writes after its leader exited: its pipe is still read, so the write
    // lands in the log instead of killing the child with SIGPIPE
    RunningCommand command =
        start(
            spec(
                List.of(
                    "sh",
                    "-c",
                    "(trap 'echo bye; exit 0' TERM; echo $$ > child.pid; sleep 30 & wait) &"
                        + " while [ ! -s child.pid ]; do sleep 0.01; done; exit 0")));

    await().atMost(Duration.ofSeconds(10)).until(command.outcome()::isDone);

    assertThat(command.outcome().join().state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(read(stdout)).isEqualTo("bye\n");
  }

  @Test
  void withoutSetsidABackgroundChildHoldingStdoutDoesNotHangTheOutcome() throws Exception {
    runner = new CommandRunner(pumps, timer, new TaskSandbox(null, null, null), null);
    RunningCommand command =
        start(
            spec(
                List.of(
                    "sh", "-c", "echo before; sleep 30 & echo $! > child.pid; sleep 0.5; exit 0")));
    long child = awaitChildPid();

    await().atMost(Duration.ofSeconds(8)).until(command.outcome()::isDone);

    assertThat(alive(child)).as("without a session of its own, the child is not found").isTrue();
    assertThat(command.outcome().join())
        .isEqualTo(new CommandOutcome(AttemptState.SUCCEEDED, 0, null));
    assertThat(read(stdout)).isEqualTo("before\n");
  }

  // --- a full volume ---------------------------------------------------------------------------

  @Test
  void outputThatCannotBeStoredIsDrainedAndTheFullVolumeIsNamed() throws Exception {
    // /dev/full fails every write with ENOSPC, as a full volume does
    stdout = Path.of("/dev/full");
    CommandSpec spec =
        spec(
            List.of("sh", "-c", "head -c 3000000 /dev/zero; echo done >&2"),
            baseEnvironment(),
            List.of(),
            10_000_000,
            null,
            LONG_GRACE);

    CommandOutcome outcome = outcomeOf(start(spec));

    assertThat(outcome)
        .as("not killed by SIGPIPE: the exit code is the task's own")
        .isEqualTo(
            new CommandOutcome(AttemptState.SUCCEEDED, 0, "log cut: No space left on device"));
    assertThat(read(stderr)).isEqualTo("done\n");
  }

  @Test
  void aFailingTaskOnAFullVolumeKeepsItsOwnReasonFirst() throws Exception {
    stdout = Path.of("/dev/full");

    CommandOutcome outcome =
        outcomeOf(start(spec(List.of("sh", "-c", "head -c 100000 /dev/zero; exit 3"))));

    assertThat(outcome)
        .isEqualTo(
            new CommandOutcome(
                AttemptState.FAILED, 3, "exited with code 3; log cut: No space left on device"));
  }

  @Test
  void logDirectoryIsCreated() throws Exception {
    stdout = tmp.resolve("a").resolve("b").resolve("out.log");
    stderr = tmp.resolve("a").resolve("b").resolve("err.log");

    outcomeOf(start(spec(List.of("sh", "-c", "echo out; echo err >&2"))));

    assertThat(stdout).hasContent("out");
    assertThat(stderr).hasContent("err");
  }

  @Test
  void aTaskThatWritesNothingLeavesNoLogFile() throws Exception {
    stdout = tmp.resolve("quiet").resolve("out.log");
    stderr = tmp.resolve("quiet").resolve("err.log");

    CommandOutcome outcome = outcomeOf(start(spec(List.of("true"))));

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(stdout).doesNotExist();
    assertThat(stderr).doesNotExist();
  }

  @Test
  void runTellsTheStartedCommandThenFollowsItOnTheCallingThread() throws Exception {
    List<RunningCommand> told = new ArrayList<>();
    List<Boolean> endedWhenTold = new ArrayList<>();

    runner.run(
        spec(List.of("sh", "-c", "echo out; echo err >&2")),
        command -> {
          pidsToKill.add(command.pid());
          told.add(command);
          endedWhenTold.add(command.outcome().isDone());
        });

    assertThat(told).hasSize(1);
    assertThat(endedWhenTold).containsExactly(false);
    assertThat(outcomeOf(told.get(0)).state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(Files.readString(stdout)).isEqualTo("out\n");
    assertThat(Files.readString(stderr)).isEqualTo("err\n");
    // the exit was awaited here: the pool lent threads to the two pipes only
    assertThat(((ThreadPoolExecutor) pumps).getTaskCount()).isEqualTo(2);
  }

  @Test
  void runThatCannotStartThrowsAndTellsNothing() {
    List<RunningCommand> told = new ArrayList<>();

    assertThatThrownBy(() -> runner.run(spec(List.of("no-such-program-here")), told::add))
        .hasMessageContaining("no-such-program-here");
    assertThat(told).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {60_000, 0})
  void aCommandThatStartsAsTheWorkerStopsIsKilledNotLeftRunningUnseen(long timeoutMillis) {
    String token = "flowbus-abandoned-" + System.nanoTime();
    CommandSpec spec =
        spec(
            // the leader and a child both name the token: neither may be left running
            List.of("sh", "-c", "sh -c 'sleep 300; :' \"$0-child\" & sleep 300; :", token),
            baseEnvironment(),
            List.of(),
            1_000_000,
            timeoutMillis == 0 ? null : Duration.ofMillis(timeoutMillis),
            LONG_GRACE);
    timer.shutdown(); // the worker stops: its timer takes nothing more
    List<RunningCommand> told = new ArrayList<>();

    // (a command left running would be followed here to its end)
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(() -> runner.run(spec, told::add))
                .isInstanceOf(WorkerStoppingException.class)
                .hasMessage("the worker is stopping"));
    assertThat(told).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ProcessHandle.allProcesses()
                    .noneMatch(h -> h.info().commandLine().orElse("").contains(token)));
  }

  // --- helpers ---------------------------------------------------------------------------------

  RunningCommand start(CommandSpec spec) throws IOException {
    RunningCommand command = runner.start(spec);
    pidsToKill.add(command.pid());
    return command;
  }

  static CommandOutcome outcomeOf(RunningCommand command) {
    await().atMost(Duration.ofSeconds(30)).until(command.outcome()::isDone);
    return command.outcome().join();
  }

  CommandSpec spec(List<String> argv) {
    return spec(argv, baseEnvironment());
  }

  private CommandSpec spec(List<String> argv, Map<String, String> env) {
    return spec(argv, env, List.of(), 1_000_000, null, LONG_GRACE);
  }

  private CommandSpec spec(
      List<String> argv,
      Map<String, String> env,
      List<String> secrets,
      long logLimit,
      Duration timeout,
      Duration stopGrace) {
    return new CommandSpec(
        argv, workDir, env, secrets, stdout, stderr, logLimit, timeout, stopGrace);
  }

  private static Map<String, String> baseEnvironment() {
    return new HashMap<>(System.getenv());
  }

  private long childPid() throws IOException {
    long pid = Long.parseLong(Files.readString(workDir.resolve("child.pid")).strip());
    pidsToKill.add(pid);
    return pid;
  }

  private long awaitChildPid() throws IOException {
    Path file = workDir.resolve("child.pid");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> Files.exists(file) && Files.readString(file).endsWith("\n"));
    return childPid();
  }

  /**
   * Whether {@code pid} still runs. A killed grandchild is reparented to PID 1, which in a
   * container without an init may reap it late: until then it is a zombie that {@link
   * ProcessHandle#isAlive()} reports alive, so a zombie counts as dead here.
   */
  private static boolean alive(long pid) {
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (IOException e) {
      return false; // gone between the two checks
    }
  }

  private static void awaitDead(long pid) {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(alive(pid)).as("process %d is alive", pid).isFalse());
  }

  private static Path executable(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  /** A log as it is served: no file (the task wrote nothing there) reads as empty. */
  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
