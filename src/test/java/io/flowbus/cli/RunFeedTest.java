package io.flowbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.SettableClock;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a run's event stream. */
class RunFeedTest {
  @Test
  void eventsAreSplitByBlankLinesAndCommentsAreSkipped() {
    List<String> events = new ArrayList<>();
    SseParser parser = new SseParser((type, data) -> events.add(type + "=" + data));

    for (String line :
        List.of(
            "id: 3",
            "event: run",
            "data: {\"a\":1}",
            "",
            ": keep-alive",
            "",
            "data:x",
            "data: y",
            "")) {
      parser.line(line);
    }

    assertThat(events).containsExactly("run={\"a\":1}", "message=x\ny");
  }

  @Test
  void runAndStageEventsAreHandedOverATaskEventOnlyMarksTheCountsStale() {
    RunFeed feed =
        new RunFeed(
            new ApiClient(URI.create("http://127.0.0.1:1"), null), "r1", new SettableClock());

    feed.onEvent("task", "{\"id\":\"s0-t1\"}");
    assertThat(feed.updates()).isEmpty();
    assertThat(feed.takeCountsStale()).isTrue();
    assertThat(feed.takeCountsStale()).isFalse();

    feed.onEvent("stage", "{\"index\":0}");
    feed.onEvent("run", "{\"state\":\"RUNNING\"}");
    assertThat(feed.updates())
        .hasExactlyElementsOfTypes(RunFeed.Update.Stage.class, RunFeed.Update.Run.class);
  }
}
