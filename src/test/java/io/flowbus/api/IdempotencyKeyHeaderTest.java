package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.cluster.ProblemException;
import io.flowbus.model.ScheduleDef;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdempotencyKeyHeaderTest {
  @Test
  void aKeyOfAScheduleDueTimeIsRefusedSoNoRequestCanTakeThatRun() {
    String key = ScheduleDef.idempotencyKeyOf("nightly", Instant.parse("2026-11-27T02:00:00Z"));

    assertThatThrownBy(() -> IdempotencyKeyHeader.checked(key))
        .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(400))
        .hasMessageContaining("may not start with 'schedule:'");
  }

  @Test
  void anOrdinaryKeyIsTaken() {
    assertThat(IdempotencyKeyHeader.checked("order-42")).isEqualTo("order-42");
    assertThat(IdempotencyKeyHeader.checked("my schedule:1")).isEqualTo("my schedule:1");
  }
}
