package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a notification is tried again, and when it is given up, by a settable clock. */
class BackoffTest {
  private static final Instant ENDED = SettableClock.START;

  @Test
  void eachWaitIsSpreadByTwentyPercentEitherWay() {
    SettableClock clock = new SettableClock(ENDED.plusSeconds(60));
    Instant now = clock.instant();

    assertThat(Backoff.DEFAULT.next(ENDED, 3, now, 0.0)).isEqualTo(now.plusSeconds(16));
    assertThat(Backoff.DEFAULT.next(ENDED, 3, now, 0.5)).isEqualTo(now.plusSeconds(20));
    assertThat(Backoff.DEFAULT.next(ENDED, 3, now, 0.999_999)).isBefore(now.plusSeconds(24));
    assertThat(Backoff.DEFAULT.next(ENDED, 3, now, 0.75)).isEqualTo(now.plusSeconds(22));
  }

  @Test
  void theFirstRetryComesWithinThirtySecondsThenTheWaitDoublesUpToFiveMinutes() {
    SettableClock clock = new SettableClock(ENDED);
    List<Duration> waits = new ArrayList<>();
    for (int attempts = 1; attempts <= 9; attempts++) {
      Instant next = Backoff.DEFAULT.next(ENDED, attempts, clock.instant());
      waits.add(Duration.between(clock.instant(), next));
      clock.set(next);
    }

    assertThat(waits.get(0)).isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(waits)
        .extracting(Duration::toSeconds)
        .containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
  }

  @Test
  void theLastRetryIsAnHourAfterTheEndAndAFailureThenGivesUp() {
    Instant deadline = ENDED.plus(Duration.ofHours(1));

    assertThat(Backoff.DEFAULT.next(ENDED, 20, deadline.minusSeconds(10))).isEqualTo(deadline);
    assertThat(Backoff.DEFAULT.next(ENDED, 21, deadline)).isNull();
    assertThat(Backoff.DEFAULT.next(ENDED, 2, deadline.plusSeconds(1))).isNull();
  }

  @Test
  void aReceiverDownForTenMinutesIsTriedAgainWithinTheHour() {
    SettableClock clock = new SettableClock(ENDED);
    int attempts = 0;
    while (clock.instant().isBefore(ENDED.plus(Duration.ofMinutes(10)))) {
      attempts++;
      clock.set(Backoff.DEFAULT.next(ENDED, attempts, clock.instant()));
    }

    assertThat(clock.instant()).isBefore(ENDED.plus(Duration.ofMinutes(16)));
    assertThat(attempts).isBetween(5, 10);
  }
}
