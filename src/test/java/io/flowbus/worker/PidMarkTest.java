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
}
