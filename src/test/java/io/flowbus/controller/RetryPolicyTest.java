package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void theDelayDoublesUpToTheCap() {
    Duration base = Duration.ofSeconds(1);
    assertThat(RetryPolicy.delay(base, 1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RetryPolicy.delay(base, 2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(RetryPolicy.delay(base, 4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(RetryPolicy.delay(base, 50)).isEqualTo(RetryPolicy.MAX_DELAY);
  }
}
