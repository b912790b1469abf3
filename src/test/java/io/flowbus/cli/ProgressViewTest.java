package io.flowbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.SettableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/** What {@code --follow} shows: plain lines in a pipe, live lines on a terminal. */
class ProgressViewTest {
  private final SettableClock clock = new SettableClock();
  private final RunProgress run = new RunProgress("r1", clock);

  @Test
  void rateAndEtaComeFromTheCountsOverTime() {
    run.onRun(run("RUNNING", stage(0, "Count", "RUNNING", 100, 0, 0)));
    clock.advance(Duration.ofSeconds(10));
    run.onStage(stage(0, "Count", "RUNNING", 100, 50, 2));

    StageProgress stage = run.stages().get(0);
    assertThat(stage.rate()).isEqualTo(5.0);
    assertThat(stage.eta()).isEqualTo(Duration.ofSeconds(10));
    assertThat(Formats.counts(stage)).isEqualTo("50/100 done, 2 failed, 5.0/s, ETA 0:10");
  }

  @Test
  void plainLinesComeOnePerChangeOfAStageCountsAtMostOnceASecond() {
    StringWriter text = new StringWriter();
    PlainProgress view = new PlainProgress(new PrintWriter(text), clock);

    run.onRun(run("RUNNING", stage(0, "Count", "RUNNING", 10, 0, 0), pending(1, "Sum")));
    view.show(run);
    view.show(run); // nothing changed: nothing printed
    clock.advance(Duration.ofMillis(500));
    run.onStage(stage(0, "Count", "RUNNING", 10, 4, 0));
    view.show(run); // counts changed within the second: held back
    clock.advance(Duration.ofMillis(500));
    view.show(run); // a second on: the counts as they are now
    run.onStage(stage(0, "Count", "SUCCEEDED", 10, 10, 0));
    view.show(run); // a new state: at once
    clock.advance(Duration.ofSeconds(1));
    run.onRun(
        run(
                "SUCCEEDED",
                stage(0, "Count", "SUCCEEDED", 10, 10, 0),
                stage(1, "Sum", "SUCCEEDED", 1, 1, 0))
            .put("ended_at", "2026-11-26T10:00:02Z"));
    view.finish(run);

    assertThat(text.toString().lines().toList())
        .containsExactly(
            "run r1 (word-count): RUNNING",
            "stage Count: RUNNING, 0/10 done, 0 failed, -/s, ETA -",
            "stage Sum: PENDING, 0/0 done, 0 failed, -/s, ETA -",
            "stage Count: RUNNING, 4/10 done, 0 failed, -/s, ETA -",
            "stage Count: SUCCEEDED, 10/10 done, 0 failed, 10/s, ETA -",
            "run r1 (word-count): SUCCEEDED",
            "stage Sum: SUCCEEDED, 1/1 done, 0 failed, -/s, ETA -",
            "run r1 SUCCEEDED after 0:02");
    assertThat(text.toString()).doesNotContain("\u001b");
  }

  @Test
  void aTerminalGetsALiveLinePerStageRedrawnInPlace() throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Terminal terminal =
        TerminalBuilder.builder()
            .system(false)
            .streams(new ByteArrayInputStream(new byte[0]), screen)
            .type("xterm-256color")
            .size(Size.of(100, 24))
            .build();
    TerminalProgress view = new TerminalProgress(terminal);

    run.onRun(run("RUNNING", stage(0, "Count Sections", "RUNNING", 40, 0, 0), pending(1, "Sum")));
    view.show(run);
    clock.advance(Duration.ofSeconds(4));
    run.onStage(stage(0, "Count Sections", "RUNNING", 40, 20, 1));
    view.show(run);
    String drawn = screen.toString(StandardCharsets.UTF_8);
    run.onRun(
        run("FAILED", stage(0, "Count Sections", "FAILED", 40, 40, 3), pending(1, "Sum"))
            .put("ended_at", "2026-11-26T10:00:05Z")
            .put("error", "stage Count Sections failed"));
    view.finish(run);
    String all = screen.toString(StandardCharsets.UTF_8);

    assertThat(drawn)
        .contains("Count Sections")
        .contains("##########...............")
        .contains("20/40")
        .contains("failed 1")
        .contains("5.0/s")
        .contains("ETA 0:04")
        .contains("\u001b[");
    assertThat(occurrences(drawn, "run r1 (word-count)")).as("the header is drawn once").isOne();
    assertThat(all)
        .contains("40/40")
        .contains("FAILED")
        .endsWith("run r1 FAILED after 0:05: stage Count Sections failed\r\n");
  }

  @Test
  void aTerminalThatTellsNoSizeIsDrawnAt80Columns() throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    Terminal terminal =
        TerminalBuilder.builder()
            .system(false)
            .streams(new ByteArrayInputStream(new byte[0]), screen)
            .type("xterm")
            .size(Size.of(0, 0))
            .build();
    run.onRun(
        run("RUNNING", stage(0, "Count", "RUNNING", 4, 1, 0), stage(1, "Sum", "RUNNING", 1, 0, 0)));

    new TerminalProgress(terminal).show(run);

    assertThat(screen.toString(StandardCharsets.UTF_8)).contains("Count").contains("Sum");
  }

  private static int occurrences(String text, String part) {
    return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
  }

  private static JsonObject run(String state, JsonObject... stages) {
    return new JsonObject()
        .put("id", "r1")
        .put("job", "word-count")
        .put("state", state)
        .put("started_at", SettableClock.START.toString())
        .put("stages", new JsonArray(java.util.List.of((Object[]) stages)));
  }

  private static JsonObject pending(int index, String name) {
    return stage(index, name, "PENDING", 0, 0, 0);
  }

  private static JsonObject stage(
      int index, String name, String state, int total, int done, int failed) {
    return new JsonObject()
        .put("index", index)
        .put("name", name)
        .put("state", state)
        .put(
            "tasks",
            new JsonObject()
                .put("total", total)
                .put("pending", total - done)
                .put("running", 0)
                .put("succeeded", done - failed)
                .put("failed", failed)
                .put("cancelled", 0)
                .put("skipped", 0));
  }
}
