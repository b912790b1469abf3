package io.flowbus.controller;

import static io.flowbus.testing.RunBuilder.aRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.Idempotency;
import io.flowbus.testing.RunEvents;
import io.flowbus.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  private static final Idempotency K = new Idempotency("k-1", "f-1");

  private final SettableClock clock = new SettableClock(RunEvents.T0);
  private final IdempotencyKeys keys = new IdempotencyKeys(clock);

  @Test
  void aKeyFindsTheRunItWasUsedForWithItsFingerprint() {
    keys.put("job-a", K, "run-1", clock.instant());

    assertThat(keys.find("job-a", "k-1"))
        .isEqualTo(new IdempotencyKeys.Entry("run-1", "f-1", clock.instant()));
    assertThat(keys.find("job-a", "k-2")).isNull();
  }

  @Test
  void keysAreScopedToTheirJob() {
    keys.put("job-a", K, "run-1", clock.instant());

    assertThat(keys.find("job-b", "k-1")).isNull();
    keys.put("job-b", K, "run-2", clock.instant());
    assertThat(keys.find("job-a", "k-1").runId()).isEqualTo("run-1");
    assertThat(keys.find("job-b", "k-1").runId()).isEqualTo("run-2");
  }

  @Test
  void aKeyHoldsFor24HoursAndIsThenLetGo() {
    keys.put("job-a", K, "run-1", clock.instant());
    keys.put("job-a", new Idempotency("k-2", "f"), "run-2", clock.instant().plusSeconds(60));

    clock.advance(Duration.ofHours(24).minusMillis(1));
    assertThat(keys.find("job-a", "k-1")).isNotNull();

    clock.advance(Duration.ofMillis(1));
    assertThat(keys.find("job-a", "k-1")).isNull();
    assertThat(keys.find("job-a", "k-2")).isNotNull();
    assertThat(keys.size()).as("the expired key is evicted, the other kept").isEqualTo(1);
  }

  @Test
  void aForgottenKeyIsFreeAgain() {
    keys.put("job-a", K, "run-1", clock.instant());

    keys.forget("run-1");
    keys.forget("run-unknown");

    assertThat(keys.find("job-a", "k-1")).isNull();
    assertThat(keys.size()).isZero();
  }

  @Test
  void replayedRunsGiveTheirKeysBackUnlessOlderThan24Hours() {
    var keyed = aRun().withId("run-1").withIdempotency("k-1", "f-1").build();
    var plain = aRun().withId("run-2").build();

    keys.index(keyed);
    keys.index(plain);

    assertThat(keys.find("fetch-all", "k-1").runId()).isEqualTo("run-1");
    assertThat(keys.size()).isEqualTo(1);

    IdempotencyKeys later = new IdempotencyKeys(clock);
    clock.set(RunEvents.T0.plus(Duration.ofHours(25)));
    later.index(keyed);
    assertThat(later.size()).isZero();
  }

  @Test
  void aKeyUsedAgainAfterItExpiredPointsToTheNewRun() {
    keys.put("job-a", K, "run-1", clock.instant());
    clock.advance(Duration.ofHours(25));
    Instant now = clock.instant();

    keys.put("job-a", new Idempotency("k-1", "f-2"), "run-2", now);
    keys.forget("run-1"); // the old run is deleted later: the new key stays

    assertThat(keys.find("job-a", "k-1")).isEqualTo(new IdempotencyKeys.Entry("run-2", "f-2", now));
  }
}
