package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.cluster.OrchestratorRequest.Follow;
import io.flowbus.cluster.OrchestratorRequest.WatchRun;
import io.flowbus.testing.SettableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunWatchersTest {
  private final SettableClock clock = new SettableClock();
  private final RunWatchers watchers = new RunWatchers(clock);

  @Test
  void everyRunTakenOverIsTakenAsFollowedUntilItsFollowersCanHaveRenewed() {
    watchers.takenOver(List.of("r1", "r2"));

    assertThat(watchers.watched("r1", false)).isTrue();
    assertThat(watchers.watched("r2", true)).isTrue();
    // a run created since can only be followed from a snapshot taken here
    assertThat(watchers.watched("r3", false)).isFalse();
    assertThat(watchers.watched("r3", true)).isFalse();

    clock.advance(RunWatchers.EXPIRY);

    assertThat(watchers.watched("r1", false)).isFalse();
    assertThat(watchers.watched("r1", true)).isFalse();
  }

  @Test
  void aRunIsFollowedFromItsSnapshotUntilItsMarkLapses() {
    watchers.watch("r1", Follow.EVERY_CHANGE);

    assertThat(watchers.watched("r1", false)).isTrue();
    assertThat(watchers.watched("r2", false)).isFalse();
    clock.advance(RunWatchers.EXPIRY.minusMillis(1));
    assertThat(watchers.watched("r1", false)).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(watchers.watched("r1", false)).isFalse();
  }

  @Test
  void aRenewalKeepsTheRunFollowed() {
    watchers.watch("r1", Follow.EVERY_CHANGE);
    for (int i = 0; i < 10; i++) {
      clock.advance(WatchRun.RENEW);
      watchers.watch("r1", Follow.EVERY_CHANGE);
    }

    assertThat(watchers.watched("r1", false)).isTrue();
  }

  @Test
  void aRunOnlyWaitsFollowIsListenedToOnlyForTheChangeThatSettlesIt() {
    watchers.watch("r1", Follow.END);

    assertThat(watchers.watched("r1", false)).isFalse();
    assertThat(watchers.watched("r1", true)).isTrue();
    assertThat(watchers.watched("r2", true)).isFalse();
    clock.advance(RunWatchers.EXPIRY);
    assertThat(watchers.watched("r1", true)).isFalse();
  }

  @Test
  void anEventStreamBesideAWaitGetsEveryChange() {
    watchers.watch("r1", Follow.END);
    watchers.watch("r1", Follow.EVERY_CHANGE);

    assertThat(watchers.watched("r1", false)).isTrue();
    clock.advance(RunWatchers.EXPIRY.minusMillis(1));
    watchers.watch("r1", Follow.END);
    clock.advance(Duration.ofMillis(1));
    // the stream's mark lapsed; the wait's is renewed
    assertThat(watchers.watched("r1", false)).isFalse();
    assertThat(watchers.watched("r1", true)).isTrue();
  }
}
