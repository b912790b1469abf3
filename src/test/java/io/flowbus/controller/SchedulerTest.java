package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.model.Trigger;
import io.flowbus.storage.DataLayout;
import io.flowbus.testing.LocalVertx;
import io.flowbus.testing.SettableClock;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The schedules fire on a clock the test sets, on real journals, across lives of orchestrators. */
class SchedulerTest {
  private static final Instant T0 = Instant.parse("2026-11-26T10:00:30Z");

  @TempDir Path data;
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private final SettableClock clock = new SettableClock(T0);
  private volatile Predicate<RunEvent> failing = e -> false;
  private ScheduleLife life;

  @AfterEach
  void close() throws Exception {
    if (life != null) {
      life.close();
    }
  }

  @Test
  void aNewScheduleIsArmedThenFiresEachDueTimeOnce() throws Exception {
    life = start(minutely("allow"));
    life.tick();
    assertThat(life.runs()).isEmpty(); // armed at 10:00:30: the first due time is 10:01

    at("10:01:00");
    life.tick();
    life.tick();
    at("10:01:40");
    life.tick();
    at("10:02:05");
    life.tick();

    assertThat(dueTimes()).containsExactly(due("10:01:00"), due("10:02:00"));
    assertThat(life.runs()).allSatisfy(r -> assertThat(r.state()).isEqualTo(RunState.RUNNING));
  }

  /**
   * A tick that comes a moment before a due time (the timer's clock and the wall clock drift apart)
   * fires nothing; the next comes at once, not a whole wait later, and fires it.
   */
  @Test
  void aTickAMomentEarlyIsFollowedAtOnceNotAWholeWaitLater() throws Exception {
    life = start(minutely("allow"));
    life.tick();
    at("10:00:45");
    life.tick();
    assertThat(life.untilNextTick()).isEqualTo(Duration.ofSeconds(15));

    clock.set(due("10:01:00").minusNanos(300_000));
    life.tick();
    assertThat(life.runs()).isEmpty();
    clock.set(due("10:01:00").plusNanos(200_000)); // the tick took half a millisecond

    assertThat(life.untilNextTick()).isLessThanOrEqualTo(Duration.ZERO);
    life.tick();
    assertThat(dueTimes()).containsExactly(due("10:01:00"));
    assertThat(life.untilNextTick()).isEqualTo(Duration.ofSeconds(15)); // the longest wait
  }

  @Test
  void skipOverlapSkipsADueTimeWhileTheLastRunGoesOnAndRecordsIt() throws Exception {
    life = start(minutely("skip"));
    life.tick();
    at("10:01:00");
    life.tick();

    at("10:02:00");
    life.tick();
    assertThat(dueTimes()).containsExactly(due("10:01:00"));
    assertThat(Files.readString(new DataLayout(data).scheduleJournal()))
        .contains("\"type\":\"skipped\"")
        .contains("\"due_at\":\"2026-11-26T10:02:00Z\"");

    life.cancel(life.runs().get(0));
    at("10:03:00");
    life.tick();
    assertThat(dueTimes()).containsExactly(due("10:01:00"), due("10:03:00"));
  }

  @Test
  void cancelPreviousCancelsTheRunStillGoingThenStartsTheNext() throws Exception {
    life = start(minutely("cancel_previous"));
    life.tick();
    at("10:01:00");
    life.tick();
    at("10:02:00");
    life.tick();

    List<Run> runs = life.runs();
    assertThat(dueTimes()).containsExactly(due("10:01:00"), due("10:02:00"));
    assertThat(runs.get(0).state()).isEqualTo(RunState.CANCELLED);
    assertThat(runs.get(0).error()).contains("schedule every-minute");
    assertThat(runs.get(1).state()).isEqualTo(RunState.RUNNING);
  }

  @Test
  void cancelPreviousStillCancelsWhenTheNextOrchestratorCompletesTheFire() throws Exception {
    life = start(minutely("cancel_previous"));
    life.tick();
    at("10:01:00");
    life.tick();
    failing = e -> true; // neither the cancel nor the run can be written: the leader "dies"
    at("10:02:00");
    life.tick();
    assertThat(life.on(() -> life.book().get("every-minute").pending())).isNotNull();
    life.close();

    failing = e -> false;
    at("10:02:20");
    life = start(minutely("cancel_previous"));
    life.tick();

    List<Run> runs = life.runs();
    assertThat(dueTimes()).containsExactly(due("10:01:00"), due("10:02:00"));
    assertThat(runs.get(0).state()).isEqualTo(RunState.CANCELLED);
    assertThat(runs.get(1).state()).isEqualTo(RunState.RUNNING);
  }

  @Test
  void onStartTheLatestMissedDueTimeFiresOnceAndTheOlderAreSkipped() throws Exception {
    life = start(minutely("allow"));
    life.tick();
    at("10:01:00");
    life.tick();
    life.close();

    at("10:07:30"); // no orchestrator ran from 10:01 to 10:07:30
    life = start(minutely("allow"));
    life.tick();
    life.tick();

    assertThat(dueTimes()).containsExactly(due("10:01:00"), due("10:07:00"));
  }

  @Test
  void aChangedCronIsArmedAnewAndFiresNoTimeItsOldDefinitionLeftBehind() throws Exception {
    clock.set(Instant.parse("2026-11-26T01:00:00Z"));
    life = start(daily("0 2 * * *"));
    life.tick();
    clock.set(Instant.parse("2026-11-26T02:00:00Z"));
    life.tick();
    life.close();

    clock.set(Instant.parse("2026-11-26T10:00:00Z")); // 08:00 under the new cron is gone by
    life = start(daily("0 8 * * *"));
    life.tick();
    life.tick();
    assertThat(dueTimesOf("daily")).containsExactly(Instant.parse("2026-11-26T02:00:00Z"));

    clock.set(Instant.parse("2026-11-27T08:00:00Z"));
    life.tick();
    assertThat(dueTimesOf("daily"))
        .containsExactly(
            Instant.parse("2026-11-26T02:00:00Z"), Instant.parse("2026-11-27T08:00:00Z"));
  }

  @Test
  void aScheduleRemovedAndAddedBackFiresNothingDueWhileItWasAway() throws Exception {
    life = start(minutely("allow"));
    life.tick();
    at("10:01:00");
    life.tick();
    at("10:01:30");
    life.replaceDefinitions(minutely("allow").replace("every-minute:", "other:"));
    life.tick();

    at("10:05:30");
    life.replaceDefinitions(minutely("allow"));
    life.tick();
    life.tick();
    assertThat(dueTimes()).containsExactly(due("10:01:00"));

    at("10:06:00");
    life.tick();
    assertThat(dueTimes()).containsExactly(due("10:01:00"), due("10:06:00"));
  }

  @Test
  void aFullRestartAfterAFireStartsNoSecondRunForThatDueTime() throws Exception {
    life = start(minutely("allow"));
    life.tick();
    at("10:01:00");
    life.tick();
    life.close();

    at("10:01:20");
    life = start(minutely("allow"));
    life.tick();

    assertThat(dueTimes()).containsExactly(due("10:01:00"));
    assertThat(life.view("every-minute").getString("last_run")).isEqualTo(life.runs().get(0).id());
  }

  @Test
  void aDeletedLastRunIsNotShownAsTheSchedulesLastRun() throws Exception {
    life = start(minutely("allow"));
    life.tick();
    at("10:01:00");
    life.tick();
    assertThat(life.view("every-minute").getString("last_run")).isNotNull();

    life.forget(life.runs().get(0));

    assertThat(life.view("every-minute").getString("last_run")).isNull();
    assertThat(life.view("every-minute").getString("last_fire_at"))
        .isEqualTo("2026-11-26T10:01:00Z");
  }

  @Test
  void aCrashBetweenJournalingTheFireAndCreatingTheRunLeavesItToTheNextOrchestrator()
      throws Exception {
    life = start(minutely("allow"));
    life.tick();
    failing = e -> e instanceof RunEvent.Created; // the run cannot be written: the leader "dies"
    at("10:01:00");
    life.tick();
    assertThat(life.runs()).isEmpty();
    assertThat(life.on(() -> life.book().get("every-minute").pending())).isNotNull();
    life.close();

    failing = e -> false;
    at("10:01:25");
    life = start(minutely("allow"));
    life.tick();
    life.tick();

    assertThat(dueTimes()).containsExactly(due("10:01:00"));
    assertThat(life.on(() -> life.book().get("every-minute").pending())).isNull();
  }

  @Test
  void aCrashAfterTheRunWasCreatedButBeforeItWasNotedFindsThatRunAndMakesNoOther()
      throws Exception {
    life = start(minutely("allow"));
    life.tick();
    at("10:01:00");
    life.tick();
    String first = life.runs().get(0).id();
    life.close();
    dropLastScheduleLine(); // the "run" line never made it: only the fire is known

    at("10:01:10");
    life = start(minutely("allow"));
    assertThat(life.on(() -> life.book().get("every-minute").pending())).isNotNull();
    life.tick();

    assertThat(life.runs()).extracting(Run::id).containsExactly(first);
    assertThat(life.on(() -> life.book().get("every-minute").pending())).isNull();
    at("10:02:00");
    life.tick();
    assertThat(dueTimes()).containsExactly(due("10:01:00"), due("10:02:00"));
  }

  @Test
  void aFireWhoseScheduleWentAwayBeforeItsRunWasMadeIsSkippedNotRetriedForever() throws Exception {
    life = start(minutely("allow"));
    life.tick();
    failing = e -> e instanceof RunEvent.Created;
    at("10:01:00");
    life.tick();
    life.close();

    failing = e -> false;
    at("10:01:30");
    life = start(minutely("allow").replace("every-minute:", "other:"));
    life.tick();

    assertThat(life.runs()).isEmpty();
    assertThat(life.on(() -> life.book().get("every-minute").pending())).isNull();
    assertThat(Files.readString(new DataLayout(data).scheduleJournal()))
        .contains("\"type\":\"skipped\"")
        .contains("the schedule changed before its run was made");
  }

  @Test
  void aPausedScheduleFiresNothingAcrossARestartAndResumedItSkipsWhatWasDueMeanwhile()
      throws Exception {
    life = start(minutely("allow"));
    life.tick();
    life.succeeds(() -> life.commands().pause("every-minute"));
    at("10:03:00");
    life.tick();
    life.close();

    at("10:04:10");
    life = start(minutely("allow"));
    life.tick();
    assertThat(life.runs()).isEmpty();
    assertThat(life.view("every-minute").getBoolean("paused")).isTrue();
    assertThat(life.view("every-minute").getString("next_fire_at")).isNull();

    life.succeeds(() -> life.commands().resume("every-minute"));
    life.tick();
    assertThat(life.runs()).isEmpty();
    at("10:05:00");
    life.tick();
    assertThat(dueTimes()).containsExactly(due("10:05:00"));
  }

  @Test
  void aTriggerByHandStartsARunWithoutADueTimeAndUsesNoneUp() throws Exception {
    life = start(minutely("allow"));
    life.tick();

    var answer = life.succeeds(() -> life.commands().trigger("every-minute"));
    assertThat(answer.getBoolean("created")).isTrue();
    assertThat(answer.getJsonObject("run").getJsonObject("trigger").getValue("due_at")).isNull();
    assertThat(life.view("every-minute").getString("last_run"))
        .isEqualTo(answer.getJsonObject("run").getString("id"));
    assertThat(life.view("every-minute").getString("last_fire_at")).isEqualTo(T0.toString());

    at("10:01:00");
    life.tick();
    assertThat(life.runs())
        .extracting(Run::trigger)
        .containsExactly(
            new Trigger("every-minute", null), new Trigger("every-minute", due("10:01:00")));
  }

  @Test
  void overTheFallBackNightADailyTimeFiresOnceAndAnHourlyOneEachRealHour() throws Exception {
    String yaml =
        """
        tasks: {t: {exec_command: t}}
        jobs: {j: {stages: [{name: a, task_class: t}]}}
        schedules:
          nightly: {job: j, cron: "30 2 * * *", timezone: Europe/Berlin, overlap: allow}
          hourly: {job: j, cron: "0 * * * *", timezone: Europe/Berlin, overlap: allow}
        """;
    clock.set(Instant.parse("2026-10-24T22:00:00Z"));
    life = start(yaml);
    for (int i = 0; i < 6 * 12; i++) { // every 5 minutes until 04:00Z
      life.tick();
      clock.advance(Duration.ofMinutes(5));
    }

    assertThat(dueTimesOf("nightly")).containsExactly(Instant.parse("2026-10-25T00:30:00Z"));
    assertThat(dueTimesOf("hourly"))
        .containsExactly(
            Instant.parse("2026-10-24T23:00:00Z"),
            Instant.parse("2026-10-25T00:00:00Z"), // 02:00 CEST
            Instant.parse("2026-10-25T01:00:00Z"), // 02:00 CET
            Instant.parse("2026-10-25T02:00:00Z"),
            Instant.parse("2026-10-25T03:00:00Z"));
  }

  private ScheduleLife start(String yaml) throws Exception {
    return new ScheduleLife(vertx, data, clock, yaml, () -> failing).start();
  }

  private static String minutely(String overlap) {
    return """
        tasks: {t: {exec_command: t}}
        jobs: {j: {stages: [{name: a, task_class: t}]}}
        schedules:
          every-minute: {job: j, cron: "* * * * *", overlap: %s}
        """
        .formatted(overlap);
  }

  private static String daily(String cron) {
    return """
        tasks: {t: {exec_command: t}}
        jobs: {j: {stages: [{name: a, task_class: t}]}}
        schedules:
          daily: {job: j, cron: "%s", overlap: allow}
        """
        .formatted(cron);
  }

  private List<Instant> dueTimes() throws Exception {
    return dueTimesOf("every-minute");
  }

  private List<Instant> dueTimesOf(String schedule) throws Exception {
    return life.runs().stream()
        .filter(r -> r.trigger() != null && r.trigger().schedule().equals(schedule))
        .map(r -> r.trigger().dueAt())
        .toList();
  }

  private void dropLastScheduleLine() throws Exception {
    Path journal = new DataLayout(data).scheduleJournal();
    List<String> lines = Files.readAllLines(journal);
    assertThat(lines.get(lines.size() - 1)).contains("\"type\":\"run\"");
    Files.write(journal, lines.subList(0, lines.size() - 1));
  }

  private void at(String time) {
    clock.set(due(time));
  }

  private static Instant due(String time) {
    return Instant.parse("2026-11-26T" + time + "Z");
  }
}
