package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "500ms, PT0.5S",
    "30s, PT30S",
    "10m, PT10M",
    "2h, PT2H",
    "1d, PT24H",
    "1h30m, PT1H30M",
    "1h30m15s250ms, PT1H30M15.25S",
    "90s, PT1M30S",
    "0s, PT0S",
    "'  30s  ', PT30S",
    "30S, PT30S",
    "1H30M, PT1H30M",
    "PT30S, PT30S",
    "pt2m, PT2M",
    "P1D, PT24H",
  })
  void parsesWhatPeopleWrite(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {
        "",
        " ",
        "30",
        "s",
        "1.5s",
        "-5s",
        "30 s",
        "1h 30m",
        "30sec",
        "ten minutes",
        "1m30",
        "P",
        "PT",
        "pizza",
        "1w"
      })
  void rejectsAnythingElseWithAHelpfulMessage(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + text + "' is not a duration (write e.g. 500ms, 30s, 10m, 1h30m)");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"9999999999999999h", "106751991167301d", "99999999999999999999s"})
  void anOverflowIsAnInvalidDurationToo(String text) {
    // The loader catches only IllegalArgumentException: an overflow must be one, not a crash.
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'" + text + "' is not a duration (write e.g. 500ms, 30s, 10m, 1h30m): too long");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "PT0S, 0ms",
    "PT0.5S, 500ms",
    "PT1.5S, 1500ms",
    "PT30S, 30s",
    "PT10M, 10m",
    "PT1M30S, 1m30s",
    "PT2H, 2h",
    "PT1H30M, 1h30m",
    "PT1H0M5S, 1h5s",
    "PT48H, 48h",
  })
  void formatsTheShortestWay(Duration d, String expected) {
    assertThat(Durations.format(d)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"0ms", "1ms", "999ms", "1s", "59m59s", "1h30m", "100h", "1h1m1s", "61500ms"})
  void formatAndParseRoundTrip(String text) {
    Duration d = Durations.parse(text);

    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }

  @Test
  void formatOfLessThanAMillisecondIsReadable() {
    Duration d = Duration.ofNanos(500_000);

    assertThat(Durations.format(d)).isNotEmpty();
  }
}
