package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/** A mark taken before a command starts tells the pids of processes started since. */
class PidMarkTest {
  private final long pidMax = PidMark.hostPidMax();

  @Test
  void acceptsAProcessStartedAfterTheMarkAndNotOneStartedBefore() throws Exception {
    PidMark probe = PidMark.now(pidMax);
    assumeThat(probe).as("this host says which pid it gave out last").isNotNull();
    Process before = new ProcessBuilder("sleep", "5").start();
    PidMark mark = PidMark.now(pidMax);
    Process after = new ProcessBuilder("sleep", "5").start();
    try {
      LongPredicate since = mark.since();

      assertThat(since).isNotNull();
      assertThat(since.test(after.pid())).as("started after the mark").isTrue();
      assertThat(since.test(before.pid())).as("started before the mark").isFalse();
    } finally {
      before.destroyForcibly();
      after.destroyForcibly();
    }
  }

  @Test
  void cannotTellOnceAsManyProcessesAsTheCycleHoldsWereCreatedSince() {
    PidMark now = PidMark.now(pidMax);
    assumeThat(now).as("this host says which pid it gave out last").isNotNull();
    PidMark longAgo = new PidMark(now.lastPid(), now.forks() - pidMax, pidMax);

    assertThat(longAgo.since()).as("every pid may have been given out again").isNull();
  }

  @Test
  void acceptsPidsAcrossTheWrapRound() {
    PidMark now = PidMark.now(pidMax);
    assumeThat(now).as("this host says which pid it gave out last").isNotNull();
    // a mark just below the top of the cycle: the pids since then wrapped round to the start
    PidMark beforeWrap = new PidMark(pidMax - 1, now.forks(), pidMax);
    LongPredicate since = beforeWrap.since();

    assertThat(since).isNotNull();
    assertThat(since.test(pidMax)).isTrue();
    assertThat(since.test(now.lastPid())).isTrue();
    assertThat(since.test(pidMax - 1)).as("the mark's own pid was given out before").isFalse();
  }

  @Test
  void aRangeGivesItsPidsInTheOrderOfTheCycle() {
    PidMark.Range plain = new PidMark.Range(5, 8, 100);
    PidMark.Range wrapped = new PidMark.Range(97, 2, 100);

    assertThat(plain.size()).isEqualTo(3);
    assertThat(plain.pids()).containsExactly(6, 7, 8);
    assertThat(wrapped.size()).isEqualTo(4);
    assertThat(wrapped.pids()).containsExactly(98, 99, 1, 2);
    for (long pid : wrapped.pids()) {
      assertThat(wrapped.test(pid)).isTrue();
    }
  }

  @Test
  void theSessionOfAProcessStartedAfterTheMarkIsFoundAmongThePidsSince() throws Exception {
    assumeThat(TaskSandbox.sessionsOnly().ownSession()).as("setsid is installed").isTrue();
    PidMark mark = PidMark.now(pidMax);
    assumeThat(mark).as("this host says which pid it gave out last").isNotNull();
    Process leader = new ProcessBuilder("setsid", "sleep", "5").start();
    try {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> ProcStat.read(leader.pid()).session() == leader.pid());
      PidMark.Range since = mark.since();

      assertThat(ProcStat.session(leader.pid(), since))
          .extracting(ProcStat::pid)
          .containsExactly(leader.pid());
      assertThat(ProcStat.session(leader.pid(), new PidMark.Range(1, 1, pidMax)))
          .as("no pid in the range")
          .isEmpty();
    } finally {
      leader.destroyForcibly();
    }
  }

  @Test
  void readsTheNumberAfterBlanks() {
    byte[] text = "processes   12345\nprocs_running 1".getBytes();

    assertThat(PidMark.digitsAt(text, 9, text.length)).isEqualTo(12345);
  }

  @Test
  void ticksSinceBootAreThoseOfUptime() throws Exception {
    String uptime = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
    long before = (long) (Double.parseDouble(uptime.split(" ")[0]) * 100) - 1;

    long floor = ProcStat.ticksSinceBootFloor();

    assertThat(floor).isBetween(before, before + 100 * 60);
  }

  @Test
  void aMarkReadEarlierServesForAProcessStartedAfterIt() throws Exception {
    PidMark read = PidMark.now(pidMax);
    assumeThat(read).as("this host says which pid it gave out last").isNotNull();
    Process between = new ProcessBuilder("sleep", "5").start();
    PidMark recent = PidMark.recent(pidMax, Long.MAX_VALUE);
    Process after = new ProcessBuilder("sleep", "5").start();
    try {
      assertThat(recent.since().test(after.pid())).as("started after the mark").isTrue();
      assertThat(PidMark.recent(pidMax, 0)).as("read again when too old").isNotSameAs(recent);
    } finally {
      between.destroyForcibly();
      after.destroyForcibly();
    }
  }
}
