package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;
import static org.awaitility.Awaitility.await;

import io.flowbus.model.AttemptState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each attempt leads a session of its own, and nothing of it outlives the attempt. */
class ProcessSessionTest {
  private static final Duration GRACE = Duration.ofMillis(300);

  /**
   * Two background children: one holding the pipes, one detached from them in a group of its own.
   */
  private static final String LEAVES_CHILDREN =
      "sleep 171 & echo $! > a.pid; "
          + "bash -c 'set -m; sleep 172 </dev/null >/dev/null 2>&1 & echo $! > b.pid'; ";

  @TempDir Path tmp;

  private ExecutorService pumps;
  private ScheduledExecutorService timer;
  private Path workDir;
  private Path localDir;
  private SessionRecords records;
  private CommandRunner runner;
  private final List<Long> sessionsToClean = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    assumeThat(TaskSandbox.sessionsOnly().ownSession()).as("setsid is installed").isTrue();
    pumps = Executors.newCachedThreadPool();
    timer = Executors.newSingleThreadScheduledExecutor();
    workDir = Files.createDirectories(tmp.resolve("work"));
    localDir = tmp.resolve("local");
    records = SessionRecords.open(localDir);
    runner = new CommandRunner(pumps, timer, TaskSandbox.sessionsOnly(), records);
  }

  @AfterEach
  void tearDown() {
    for (long sid : sessionsToClean) {
      ProcStat.session(sid)
          .forEach(p -> ProcessHandle.of(p.pid()).ifPresent(h -> h.destroyForcibly()));
    }
    if (records != null) {
      records.close();
    }
    if (pumps != null) {
      pumps.shutdownNow();
      timer.shutdownNow();
    }
  }

  @Test
  void theTaskLeadsASessionAndAProcessGroupOfItsOwn() throws Exception {
    RunningCommand command = start("sleep 2", null);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              String stat = Files.readString(Path.of("/proc/" + command.pid() + "/stat"));
              String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
              assertThat(fields[2]).as("process group").isEqualTo(Long.toString(command.pid()));
              assertThat(fields[3]).as("session").isEqualTo(Long.toString(command.pid()));
            });
    command.stop(AttemptState.CANCELLED, "cancelled");
    outcomeOf(command);
  }

  @Test
  void whatATaskLeavesRunningIsGoneWhenItExits() throws Exception {
    RunningCommand command = start(LEAVES_CHILDREN + "exit 0", null);

    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome).isEqualTo(new CommandOutcome(AttemptState.SUCCEEDED, 0, null));
    assertThat(ProcStat.session(command.pid())).as("left in the session").isEmpty();
    assertGone(pid("a.pid"));
    assertGone(pid("b.pid"));
  }

  @Test
  void whatATaskLeavesRunningIsGoneWhileTasksStartedAfterItRunOn() throws Exception {
    // the first one's children are forked after the later tasks' leaders, among the pids that its
    // session's end looks through: they are found and stopped, the later tasks are not touched
    RunningCommand first =
        start("until [ -e go ]; do sleep 0.05; done; " + LEAVES_CHILDREN + "exit 0", null);
    List<RunningCommand> later = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      later.add(start("sleep 30", null));
    }
    Files.createFile(workDir.resolve("go"));

    CommandOutcome outcome = outcomeOf(first);

    assertThat(outcome).isEqualTo(new CommandOutcome(AttemptState.SUCCEEDED, 0, null));
    assertThat(ProcStat.session(first.pid())).as("left in the session").isEmpty();
    assertGone(pid("a.pid"));
    assertGone(pid("b.pid"));
    for (RunningCommand task : later) {
      assertThat(task.outcome()).as("a task started later").isNotDone();
      assertThat(ProcStat.read(task.pid()).alive()).isTrue();
      task.stop(AttemptState.CANCELLED, "done");
      assertThat(outcomeOf(task).state()).isEqualTo(AttemptState.CANCELLED);
    }
  }

  @Test
  void whatATaskLeavesRunningIsGoneWhenItTimesOut() throws Exception {
    RunningCommand command = start(LEAVES_CHILDREN + "sleep 300", Duration.ofMillis(500));

    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome.state()).isEqualTo(AttemptState.FAILED);
    assertThat(outcome.error()).isEqualTo("timed out after 500ms");
    assertThat(ProcStat.session(command.pid())).isEmpty();
    assertGone(pid("a.pid"));
    assertGone(pid("b.pid"));
  }

  @Test
  void whatATaskLeavesRunningIsGoneWhenItIsCancelled() throws Exception {
    RunningCommand command = start(LEAVES_CHILDREN + "touch started; sleep 300", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(workDir.resolve("started")));

    command.stop(AttemptState.CANCELLED, "cancelled");
    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome.state()).isEqualTo(AttemptState.CANCELLED);
    assertThat(ProcStat.session(command.pid())).isEmpty();
    assertGone(pid("a.pid"));
    assertGone(pid("b.pid"));
  }

  @Test
  void aChildIgnoringSigtermIsKilledAfterTheGracePeriod() throws Exception {
    RunningCommand command =
        start(
            "sh -c \"trap '' TERM; echo \\$\\$ > a.pid; exec sleep 171\" &"
                + " i=0; while [ ! -s a.pid ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i + 1)); done",
            null);

    CommandOutcome outcome = outcomeOf(command);

    assertThat(outcome.state()).isEqualTo(AttemptState.SUCCEEDED);
    assertThat(ProcStat.session(command.pid())).isEmpty();
    assertGone(pid("a.pid"));
  }

  @Test
  void theSessionIsRecordedWhileTheAttemptRuns() throws Exception {
    RunningCommand command = start("touch started; sleep 300", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(workDir.resolve("started")));

    assertThat(SessionFolder.recorded(records.folder()))
        .singleElement(STRING)
        .startsWith(command.pid() + " " + ProcStat.read(command.pid()).startTime() + " ");
    command.stop(AttemptState.CANCELLED, "cancelled");
    outcomeOf(command);
    assertThat(SessionFolder.recorded(records.folder())).isEmpty();
  }

  @Test
  void aStartingNodeStopsTheSessionsThatADeadNodeOfThisHostLeft() throws Exception {
    // a "crash": the node's records are left behind with the sessions running
    long sid = detachedSession("sleep 171 & sleep 172 & wait", 3);
    records.add(sid, ProcStat.read(sid).startTime());
    Path crashed = releaseWithoutTidying(records);

    records = SessionRecords.open(localDir);
    int stopped = leftovers().stop(GRACE, timer);

    assertThat(stopped).isEqualTo(3);
    assertThat(ProcStat.session(sid)).isEmpty();
    assertThat(crashed).as("the dead node's folder").doesNotExist();
  }

  @Test
  void whatADeadNodeStartedAndDidNotLiveToRecordIsStoppedToo() throws Exception {
    // the crash came between the start of commands and their records: they name its folder
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    records.add(ended.pid(), 1); // another command, recorded: the crash leaves the folder
    Path crashed = releaseWithoutTidying(records);
    Map<String, String> ofCrashed =
        Map.of(UnrecordedSessions.VARIABLE, crashed.getFileName().toString());
    long sid =
        detachedSession(
            ofCrashed,
            "env -u " + UnrecordedSessions.VARIABLE + " sleep 171 & sleep 172 & wait",
            3);
    // one whose session's leader is not the dead node's: stopped alone, its leader left
    long otherLeader =
        detachedSession(
            "env "
                + UnrecordedSessions.VARIABLE
                + "="
                + crashed.getFileName()
                + " sleep 173 &"
                + " exec sleep 175",
            2);
    // one in this JVM's own session (as a node started by a task of its earlier life is): left
    ProcessBuilder same = new ProcessBuilder("sleep", "176");
    same.environment().putAll(ofCrashed);
    Process inThisSession = same.start();
    records = SessionRecords.open(localDir);
    long ofLiveNode =
        detachedSession(
            Map.of(UnrecordedSessions.VARIABLE, records.folder().getFileName().toString()),
            "exec sleep 174",
            1);

    try {
      int stopped = leftovers().stop(GRACE, timer);

      assertThat(stopped).isEqualTo(4);
      assertThat(ProcStat.session(sid)).as("the session, and its child without the name").isEmpty();
      assertThat(ProcStat.session(otherLeader))
          .as("the other session: its leader only")
          .singleElement()
          .extracting(ProcStat::pid)
          .isEqualTo(otherLeader);
      assertThat(inThisSession.isAlive()).as("in this JVM's session").isTrue();
      assertThat(ProcStat.session(ofLiveNode)).as("a live node's command").hasSize(1);
      assertThat(crashed).as("the dead node's folder").doesNotExist();
    } finally {
      inThisSession.destroyForcibly();
    }
  }

  @Test
  void aRecordedSessionThatALiveNodeRunsInIsLeft() throws Exception {
    // a dead node's task started another node (nohup, say): that node lives in the task's session
    long sid = detachedSession("sleep 171 & exec sleep 172", 2);
    records.add(sid, ProcStat.read(sid).startTime());
    releaseWithoutTidying(records);
    records = SessionRecords.open(localDir);
    Path folder = Files.createDirectories(localDir.resolve("held"));
    Files.createFile(folder.resolve(SessionFolder.LOCK));
    Process holder = otherJvmHolding(folder);
    try {
      Files.move(folder, localDir.resolve("node-" + sid + "-live")); // the live node: pid sid

      leftovers().stop(GRACE, timer);

      assertThat(ProcStat.session(sid)).as("the session the live node runs in").hasSize(2);
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  void eachCommandNamesTheFolderOfItsNodeInItsEnvironment() throws Exception {
    outcomeOf(start("echo \"$FLOWBUS_LAUNCHED_BY\" > launched-by", Duration.ofSeconds(10)));

    assertThat(workDir.resolve("launched-by"))
        .hasContent(records.folder().getFileName().toString());
  }

  @Test
  void aRecordLogWithBytesThatAreNotTextStillHasItsRecordsStopped() throws Exception {
    long sid = detachedSession("exec sleep 171", 1);
    records.add(sid, ProcStat.read(sid).startTime());
    Path log = records.folder().resolve(SessionFolder.LOG_FILE);
    Path crashed = releaseWithoutTidying(records);
    log = crashed.resolve(log.getFileName());
    byte[] kept = Files.readAllBytes(log);
    Files.write(log, new byte[] {(byte) 0xE9, (byte) 0xFF, '\n'});
    Files.write(log, kept, StandardOpenOption.APPEND);
    records = SessionRecords.open(localDir);

    assertThat(leftovers().stop(GRACE, timer)).isEqualTo(1);
    assertThat(ProcStat.session(sid)).isEmpty();
  }

  @Test
  void recordsInALocalDirThatOthersMayWriteStopNothing() throws Exception {
    // another user could have written them: a forged record names any session of this host
    long sid = detachedSession("sleep 171 & sleep 172 & wait", 3);
    records.add(sid, ProcStat.read(sid).startTime());
    Path crashed = releaseWithoutTidying(records);
    Files.setPosixFilePermissions(localDir, PosixFilePermissions.fromString("rwxrwxrwx"));

    records = SessionRecords.open(localDir);
    int stopped = leftovers().stop(GRACE, timer);

    assertThat(stopped).isZero();
    assertThat(ProcStat.session(sid)).hasSize(3);
    assertThat(crashed).as("the dead node's folder, left as it is").exists();
  }

  @Test
  void anAttemptStartsOnlyOnceWhatANodeOfThisHostThatDiedMeanwhileLeftIsStopped() throws Exception {
    // another node of the host dies (kill -9) with an attempt running, while this one lives on
    SessionRecords other = SessionRecords.open(localDir);
    long sid = detachedSession("sleep 171 & exec sleep 172", 2);
    other.add(sid, ProcStat.read(sid).startTime());
    releaseWithoutTidying(other);

    outcomeOf(start("true", Duration.ofSeconds(10)));

    assertThat(ProcStat.session(sid)).as("the dead node's attempt").isEmpty();
  }

  @Test
  void aNodeOfThisHostThatStartedAndDiedSinceTheLastAttemptIsSweptBeforeTheNext() throws Exception {
    settle(localDir);
    outcomeOf(start("true", Duration.ofSeconds(10))); // nothing to sweep: the state is noted
    SessionRecords other = SessionRecords.open(localDir);
    long sid = detachedSession("sleep 171 & exec sleep 172", 2);
    other.add(sid, ProcStat.read(sid).startTime());
    releaseWithoutTidying(other);

    outcomeOf(start("true", Duration.ofSeconds(10)));

    assertThat(ProcStat.session(sid)).as("the dead node's attempt").isEmpty();
  }

  @Test
  void aNodeSeenLivingAtTheLastAttemptThatDiedSinceIsSweptBeforeTheNext() throws Exception {
    long sid = detachedSession("exec sleep 171", 1);
    SessionRecords other = SessionRecords.open(localDir);
    other.add(sid, ProcStat.read(sid).startTime());
    Process live = otherJvmHolding(releaseWithoutTidying(other));
    settle(localDir);
    outcomeOf(start("true", Duration.ofSeconds(10)));
    assertThat(ProcStat.session(sid)).as("the living node's attempt").isNotEmpty();

    live.destroyForcibly().waitFor(); // the shared folder stays as it was
    outcomeOf(start("true", Duration.ofSeconds(10)));

    assertThat(ProcStat.session(sid)).as("the dead node's attempt").isEmpty();
  }

  @Test
  void whileAnotherNodeStopsWhatADeadNodeLeftAnAttemptHereWaitsForIt() throws Exception {
    long sid = detachedSession("exec sleep 171", 1);
    records.add(sid, ProcStat.read(sid).startTime());
    Path folder = records.folder();
    records.close();
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path dead = Files.move(folder, folder.resolveSibling("node-" + gone.pid() + "-dead"));
    // another node of the host holds the dead node's lock: it is stopping what that node left
    Process sweeper = otherJvmHolding(dead);
    records = SessionRecords.open(localDir);

    CompletableFuture<Integer> stopped =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return leftovers().stop(GRACE, timer);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> !stopped.isDone());
    sweeper.destroyForcibly().waitFor(); // as if its sweep ended, but the session still ran

    assertThat(stopped.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(ProcStat.session(sid)).isEmpty();
  }

  @Test
  void aStopBeforeTheLeaderHasMadeItsSessionStillStopsIt() throws Exception {
    // what a stop right after the start meets: the leader still in the node's session
    Process notYetLeader = new ProcessBuilder("sleep", "171").start();
    long pid = notYetLeader.pid();
    long start = ProcStat.read(pid).startTime();
    assertThat(ProcStat.read(pid).session()).isNotEqualTo(pid);

    int stopped = ProcessSession.stop(pid, start, GRACE, timer).get(10, TimeUnit.SECONDS);

    assertThat(stopped).isEqualTo(1);
    assertThat(notYetLeader.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aRecordWhosePidNowNamesAnotherProcessOrAnotherBootStopsNothing() throws Exception {
    long sid = detachedSession("exec sleep 171", 1);
    long start = ProcStat.read(sid).startTime();
    // the pid was reused: the recorded leader started earlier
    records.add(sid, start - 1);
    Files.writeString(
        records.folder().resolve("sessions.log"),
        "+ 1 1 another-boot\ngarbage\n+ garbage\n",
        StandardOpenOption.APPEND);
    releaseWithoutTidying(records);

    records = SessionRecords.open(localDir);
    int stopped = leftovers().stop(GRACE, timer);

    assertThat(stopped).isZero();
    assertThat(ProcStat.session(sid)).isNotEmpty();
  }

  @Test
  void theSessionsOfANodeThatStillRunsAreLeftAloneUntilItDies() throws Exception {
    long sid = detachedSession("exec sleep 171", 1);
    records.add(sid, ProcStat.read(sid).startTime());
    Path folder = releaseWithoutTidying(records);
    Process live = otherJvmHolding(folder);
    records = SessionRecords.open(localDir);

    assertThat(leftovers().stop(GRACE, timer)).isZero();
    assertThat(ProcStat.session(sid)).isNotEmpty();

    live.destroyForcibly().waitFor();
    records.close();
    records = SessionRecords.open(localDir);
    assertThat(leftovers().stop(GRACE, timer)).isEqualTo(1);
    assertThat(ProcStat.session(sid)).isEmpty();
  }

  @Test
  void aFolderOfAnEarlierVersionWithAFilePerSessionIsStillStopped() throws Exception {
    long sid = detachedSession("exec sleep 171", 1);
    Path earlier = localDir.resolve("node-1-earlier");
    Files.createDirectories(earlier.resolve("sessions"));
    Files.writeString(earlier.resolve("node.lock"), "");
    Files.writeString(
        earlier.resolve("sessions/" + sid),
        sid + " " + ProcStat.read(sid).startTime() + " " + bootIdOfThisHost() + "\n");

    assertThat(leftovers().stop(GRACE, timer)).isEqualTo(1);
    assertThat(ProcStat.session(sid)).isEmpty();
    assertThat(earlier).doesNotExist();
  }

  @Test
  void theRecordsStaySmallOverManyTasksAndKeepTheRunningOnes() throws Exception {
    records.add(7, 70);
    for (int i = 0; i < 3 * SessionRecords.COMPACT_AFTER; i++) {
      records.add(1000 + i, i);
      records.remove(1000 + i);
    }

    assertThat(SessionFolder.recorded(records.folder())).singleElement(STRING).startsWith("7 70 ");
    assertThat(Files.readAllLines(records.folder().resolve("sessions.log")))
        .hasSizeLessThan(SessionRecords.COMPACT_AFTER + 2);
    assertThat(records.folder()).isDirectoryNotContaining("glob:**/*.next");
  }

  @Test
  void aCleanStopRemovesTheNodesFolder() {
    Path folder = records.folder();

    records.close();
    records = null;

    assertThat(folder).doesNotExist();
    assertThat(localDir).isEmptyDirectory();
  }

  // --- helpers ---------------------------------------------------------------------------------

  private LeftoverSessions leftovers() {
    return new LeftoverSessions(localDir, SessionFolder.bootId());
  }

  private RunningCommand start(String script, Duration timeout) throws IOException {
    CommandSpec spec =
        new CommandSpec(
            List.of("sh", "-c", script),
            workDir,
            new HashMap<>(System.getenv()),
            List.of(),
            tmp.resolve("logs/out.log"),
            tmp.resolve("logs/err.log"),
            1_000_000,
            timeout,
            GRACE);
    RunningCommand command = runner.start(spec);
    sessionsToClean.add(command.pid());
    return command;
  }

  /** A session started outside the runner, as a crashed node's task would be, with its size. */
  private long detachedSession(String script, int processes) throws IOException {
    return detachedSession(Map.of(), script, processes);
  }

  /** The same, with {@code environment} added to this JVM's. */
  private long detachedSession(Map<String, String> environment, String script, int processes)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder("setsid", "sh", "-c", script).directory(workDir.toFile());
    builder.environment().putAll(environment);
    Process leader = builder.start();
    sessionsToClean.add(leader.pid());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> ProcStat.session(leader.pid()).size() == processes);
    return leader.pid();
  }

  /**
   * Drops the lock as a crash does, leaving the records. (The folder is named after this JVM, whose
   * own folders a node leaves alone, so it is renamed as if another JVM had made it.)
   */
  private static String bootIdOfThisHost() throws IOException {
    return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
  }

  /** Dates the folder's last change an hour back, so that its state is trusted at once. */
  private static void settle(Path folder) throws IOException {
    Files.setLastModifiedTime(folder, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
  }

  private static Path releaseWithoutTidying(SessionRecords records) throws IOException {
    Path folder = records.folder();
    records.close(); // a session is recorded as running: close() leaves the folder
    return Files.move(folder, folder.resolveSibling("node-1-" + folder.getFileName()));
  }

  /** Another JVM that holds {@code folder}'s lock, as the live node owning it would. */
  private Process otherJvmHolding(Path folder) throws Exception {
    Path source = tmp.resolve("Hold.java");
    Files.writeString(
        source,
        """
        import java.nio.channels.FileChannel;
        import java.nio.file.*;
        class Hold {
          public static void main(String[] a) throws Exception {
            FileChannel c = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE);
            c.lock();
            Files.writeString(Path.of(a[1]), "locked");
            Thread.sleep(171_000);
          }
        }
        """);
    Path ready = tmp.resolve("held");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process holder =
        new ProcessBuilder(
                java.toString(),
                source.toString(),
                folder.resolve("node.lock").toString(),
                ready.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("hold.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .failFast(() -> !holder.isAlive())
        .until(() -> Files.exists(ready));
    return holder;
  }

  private static CommandOutcome outcomeOf(RunningCommand command) {
    await().atMost(Duration.ofSeconds(10)).until(command.outcome()::isDone);
    return command.outcome().join();
  }

  private long pid(String file) throws IOException {
    return Long.parseLong(Files.readString(workDir.resolve(file)).strip());
  }

  /** Gone at once, not eventually: the attempt's outcome waits for its session to end. */
  private static void assertGone(long pid) {
    ProcStat stat = ProcStat.read(pid);
    assertThat(stat == null || !stat.alive()).as("process %d is gone", pid).isTrue();
  }
}
