package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.cluster.ProblemException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunWaitsTest {
  @Test
  void aWaitIsTakenAsGivenUpTo5Minutes() {
    assertThat(RunWaits.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(RunWaits.parse("5m")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aLongerWaitWaits5Minutes() {
    assertThat(RunWaits.parse("1h")).isEqualTo(Duration.ofMinutes(5));
    assertThat(RunWaits.parse("301s")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aWaitThatIsNotADurationIsA400() {
    assertThatThrownBy(() -> RunWaits.parse("soon"))
        .isInstanceOf(ProblemException.class)
        .hasMessageStartingWith("'wait': ")
        .extracting(e -> ((ProblemException) e).status())
        .isEqualTo(400);
  }
}
