package io.flowbus.definitions;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.Definitions;
import io.flowbus.model.Overlap;
import io.flowbus.model.ScheduleDef;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleDefinitionsTest {
  private static final Path FILE = Path.of("src/test/resources/definitions/valid/schedules.yaml");

  @Test
  void schedulesAreReadWithTheirDefaults() throws DefinitionsException {
    Definitions definitions = DefinitionsLoader.load(FILE);

    assertThat(definitions.schedules()).containsOnlyKeys("every-minute", "nightly-count", "hourly");
    ScheduleDef minute = definitions.schedules().get("every-minute");
    assertThat(minute.job()).isEqualTo("word-count");
    assertThat(minute.cron().expression()).isEqualTo("* * * * *");
    assertThat(minute.cron().zone().getId()).isEqualTo("UTC");
    assertThat(minute.overlap()).isEqualTo(Overlap.SKIP);
    assertThat(minute.inputs()).isEmpty();

    ScheduleDef nightly = definitions.schedules().get("nightly-count");
    assertThat(nightly.cron().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(nightly.inputs()).isEqualTo(Map.of("n", "5"));
    assertThat(nightly.overlap()).isEqualTo(Overlap.CANCEL_PREVIOUS);

    ScheduleDef hourly = definitions.schedules().get("hourly");
    assertThat(hourly.cron().expression()).isEqualTo("@hourly");
    assertThat(hourly.overlap()).isEqualTo(Overlap.ALLOW);
  }

  @Test
  void aFileWithoutSchedulesHasNone() throws DefinitionsException {
    Definitions definitions =
        DefinitionsLoader.parse(
            "tasks: {t: {exec_command: t}}\njobs: {j: {stages: [{name: a, task_class: t}]}}\n",
            "t.yaml");

    assertThat(definitions.schedules()).isEmpty();
  }

  @Test
  void aScheduleOfABrokenJobIsNotReportedAgain() {
    String yaml =
        """
        tasks: {t: {exec_command: t}}
        jobs: {j: {stages: [{name: a, task_class: missing}]}}
        schedules: {s: {job: j, cron: "@daily"}}
        """;

    DefinitionsException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            DefinitionsException.class, () -> DefinitionsLoader.parse(yaml, "t.yaml"));

    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactly("jobs.j.stages[0].task_class");
  }

  @Test
  void aScheduleOfABrokenJobStillHasItsInputsChecked() {
    String yaml =
        """
        tasks: {t: {exec_command: t}}
        jobs:
          j:
            input: {n: {source: parameter}}
            stages: [{name: a, task_class: missing}]
        schedules: {s: {job: j, cron: "@daily", inputs: {zz: "1"}}}
        """;

    DefinitionsException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            DefinitionsException.class, () -> DefinitionsLoader.parse(yaml, "t.yaml"));

    assertThat(e.problems())
        .extracting(Problem::path)
        .containsExactlyInAnyOrder(
            "jobs.j.stages[0].task_class", "schedules.s.inputs.zz", "schedules.s.inputs");
    assertThat(e.problems())
        .filteredOn(p -> p.path().equals("schedules.s.inputs.zz"))
        .singleElement()
        .extracting(Problem::message)
        .asString()
        .contains("job 'j' declares no input 'zz'");
  }
}
