package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.cluster.OrchestratorRequest.WatchRun;
import io.flowbus.testing.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunWatchersTest {
  private final SettableClock clock = new SettableClock();
  private final RunWatchers watchers = new RunWatchers(clock);

  @Test
  void justAfterTakingOverEveryRunIsTakenAsFollowedUntilTheFollowersCanHaveRenewed() {
    assertThat(watchers.watched("r1")).isTrue();

    clock.advance(RunWatchers.EXPIRY);

    assertThat(watchers.watched("r1")).isFalse();
  }

  @Test
  void aRunIsFollowedFromItsSnapshotUntilItsMarkLapses() {
    clock.advance(RunWatchers.EXPIRY);
    watchers.watch("r1");

    assertThat(watchers.watched("r1")).isTrue();
    assertThat(watchers.watched("r2")).isFalse();
    clock.advance(RunWatchers.EXPIRY.minusMillis(1));
    assertThat(watchers.watched("r1")).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(watchers.watched("r1")).isFalse();
  }

  @Test
  void aRenewalKeepsTheRunFollowed() {
    clock.advance(RunWatchers.EXPIRY);
    watchers.watch("r1");
    for (int i = 0; i < 10; i++) {
      clock.advance(WatchRun.RENEW);
      watchers.watch("r1");
    }

    assertThat(watchers.watched("r1")).isTrue();
  }
}
