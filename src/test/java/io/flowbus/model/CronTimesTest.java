package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CronTimesTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void aStepOfZeroIsRefusedWithAClearReason() {
    assertThatThrownBy(() -> CronTimes.parse("*/0 * * * *", ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a step of 0 never fires")
        .hasMessageNotContaining("Period 0");
  }

  @Test
  void aCronThatIsNeverDueIsRefused() {
    assertThatThrownBy(() -> CronTimes.parse("0 0 30 2 *", ZoneId.of("UTC")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is never due");
  }

  @Test
  void nextIsStrictlyAfter() {
    CronTimes minute = CronTimes.parse("* * * * *", ZoneOffset.UTC);

    assertThat(minute.next(at("2026-01-01T10:00:00Z"))).contains(at("2026-01-01T10:01:00Z"));
    assertThat(minute.next(at("2026-01-01T10:00:30Z"))).contains(at("2026-01-01T10:01:00Z"));
  }

  @Test
  void aDailyTimeIsLocalTimeInItsZone() {
    CronTimes nightly = CronTimes.parse("0 2 * * *", BERLIN);

    assertThat(nightly.next(at("2026-01-10T12:00:00Z"))).contains(at("2026-01-11T01:00:00Z"));
    assertThat(nightly.next(at("2026-07-10T12:00:00Z"))).contains(at("2026-07-11T00:00:00Z"));
  }

  @Test
  void theMacrosAreTheirFiveFields() {
    Instant from = at("2026-05-05T10:20:00Z");
    assertThat(CronTimes.parse("@hourly", ZoneOffset.UTC).next(from))
        .contains(at("2026-05-05T11:00:00Z"));
    assertThat(CronTimes.parse("@daily", ZoneOffset.UTC).next(from))
        .contains(at("2026-05-06T00:00:00Z"));
    assertThat(CronTimes.parse("@weekly", ZoneOffset.UTC).next(from))
        .contains(at("2026-05-10T00:00:00Z")); // a Sunday
    assertThat(CronTimes.parse("@monthly", ZoneOffset.UTC).next(from))
        .contains(at("2026-06-01T00:00:00Z"));
    assertThat(CronTimes.parse("@yearly", ZoneOffset.UTC).next(from))
        .contains(at("2027-01-01T00:00:00Z"));
  }

  @Test
  void badExpressionsSayWhatIsWrong() {
    assertThatThrownBy(() -> CronTimes.parse("* * *", ZoneOffset.UTC))
        .hasMessageContaining("invalid cron expression '* * *'")
        .hasMessageContaining("3 parts");
    assertThatThrownBy(() -> CronTimes.parse("@often", ZoneOffset.UTC))
        .hasMessageContaining("unknown macro '@often'");
  }

  @Test
  void fallBackNightADailyTimeIsDueOnce() {
    // 2026-10-25: at 03:00 CEST Berlin clocks go back to 02:00 CET, so 02:30 happens twice
    CronTimes nightly = CronTimes.parse("30 2 * * *", BERLIN);

    List<Instant> due = dueTimes(nightly, at("2026-10-24T12:00:00Z"), at("2026-10-26T12:00:00Z"));

    assertThat(due).containsExactly(at("2026-10-25T00:30:00Z"), at("2026-10-26T01:30:00Z"));
  }

  @Test
  void fallBackNightAnHourlyScheduleIsDueEachRealHourOnce() {
    CronTimes hourly = CronTimes.parse("0 * * * *", BERLIN);

    List<Instant> due = dueTimes(hourly, at("2026-10-24T23:30:00Z"), at("2026-10-25T02:30:00Z"));

    // 02:00 CEST, 02:00 CET, 03:00 CET: three different instants, none twice
    assertThat(due)
        .containsExactly(
            at("2026-10-25T00:00:00Z"), at("2026-10-25T01:00:00Z"), at("2026-10-25T02:00:00Z"));
  }

  @Test
  void springForwardNightATimeThatDoesNotExistIsNotDueAndTheOthersAreDueOnce() {
    // 2026-03-29: at 02:00 CET Berlin clocks jump to 03:00 CEST: 02:30 does not exist that night,
    // and the library does not make it up (01:00 CET, 03:00 CEST, 04:00 CEST are due as they are)
    CronTimes nightly = CronTimes.parse("30 2 * * *", BERLIN);
    CronTimes hourly = CronTimes.parse("0 * * * *", BERLIN);

    assertThat(dueTimes(nightly, at("2026-03-28T12:00:00Z"), at("2026-03-30T12:00:00Z")))
        .containsExactly(at("2026-03-30T00:30:00Z"));
    assertThat(dueTimes(hourly, at("2026-03-28T23:30:00Z"), at("2026-03-29T02:30:00Z")))
        .containsExactly(
            at("2026-03-29T00:00:00Z"), at("2026-03-29T01:00:00Z"), at("2026-03-29T02:00:00Z"));
  }

  @Test
  void latestIsTheLastDueTimeUpToNowCountedForwards() {
    CronTimes nightly = CronTimes.parse("30 2 * * *", BERLIN);

    // backwards the library would also give 00:30Z on the fall-back night; forwards it is once
    assertThat(nightly.latest(at("2026-10-24T12:00:00Z"), at("2026-10-25T05:00:00Z")))
        .contains(at("2026-10-25T00:30:00Z"));
    assertThat(nightly.latest(at("2026-10-25T00:30:00Z"), at("2026-10-25T05:00:00Z"))).isEmpty();
    assertThat(nightly.countBetween(at("2026-10-20T12:00:00Z"), at("2026-10-25T00:30:00Z"), 100))
        .isEqualTo(4);
  }

  @Test
  void aDueTimeIsLatestAtItsVeryInstant() {
    CronTimes minute = CronTimes.parse("* * * * *", ZoneOffset.UTC);

    assertThat(minute.latest(at("2026-01-01T09:59:00Z"), at("2026-01-01T10:00:00Z")))
        .isEqualTo(Optional.of(at("2026-01-01T10:00:00Z")));
  }

  private static List<Instant> dueTimes(CronTimes cron, Instant from, Instant to) {
    List<Instant> due = new ArrayList<>();
    Optional<Instant> next = cron.next(from);
    while (next.isPresent() && next.get().isBefore(to)) {
      due.add(next.get());
      next = cron.next(next.get());
    }
    return due;
  }

  private static Instant at(String text) {
    return Instant.parse(text);
  }
}
