package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochNanosTest {

  @Test
  void instantsReadBackToTheNanosecond() {
    for (String text :
        new String[] {
          "2026-12-01T11:28:28.054295848Z",
          "2026-12-01T11:28:28Z",
          "1970-01-01T00:00:00Z",
          "1969-12-31T23:59:59.999999999Z",
          "1900-06-01T00:00:00.000000001Z",
          "2262-04-11T23:47:16.854775807Z"
        }) {
      Instant instant = Instant.parse(text);
      assertThat(EpochNanos.instant(EpochNanos.of(instant))).as(text).isEqualTo(instant);
      assertThat(EpochNanos.instant(EpochNanos.of(instant)).toString()).isEqualTo(text);
    }
  }

  @Test
  void nullIsNone() {
    assertThat(EpochNanos.of(null)).isEqualTo(EpochNanos.NONE);
    assertThat(EpochNanos.instant(EpochNanos.NONE)).isNull();
  }

  @Test
  void anInstantOutOfRangeIsRefusedNotRounded() {
    assertThatThrownBy(() -> EpochNanos.of(Instant.parse("2263-01-01T00:00:00Z")))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> EpochNanos.of(Instant.MIN)).isInstanceOf(ArithmeticException.class);
  }
}
