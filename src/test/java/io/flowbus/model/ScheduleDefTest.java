package io.flowbus.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleDefTest {
  private static final Instant NOW = Instant.parse("2026-11-26T10:00:30Z");
  private static final ScheduleDef MINUTELY =
      new ScheduleDef(
          "m", "j", CronTimes.parse("* * * * *", ZoneId.of("UTC")), Map.of(), Overlap.ALLOW);

  @Test
  void theNextDueTimeIsAfterNowOrAfterSinceWhicheverIsLaterAndNoneWhilePaused() {
    ScheduleState armed = ScheduleState.NEW.apply(new ScheduleEvent.Armed(NOW, "m", "f"));
    Instant ahead = Instant.parse("2026-11-26T10:05:00Z");
    ScheduleState handledAhead = armed.apply(new ScheduleEvent.Skipped(NOW, "m", ahead, "test"));

    assertThat(MINUTELY.nextDue(ScheduleState.NEW, NOW))
        .contains(Instant.parse("2026-11-26T10:01:00Z"));
    assertThat(MINUTELY.nextDue(handledAhead, NOW)).contains(Instant.parse("2026-11-26T10:06:00Z"));
    assertThat(MINUTELY.nextDue(armed.apply(new ScheduleEvent.Paused(NOW, "m")), NOW)).isEmpty();
  }
}
