package io.flowbus.storage;

import static io.flowbus.storage.JournalFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.model.Delivery;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.testing.JournalEvents;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attempts to notify of a run's end are journaled after the end and replay without reviving it. */
class JournalNotificationsTest {
  private static final String YAML =
      JournalFixture.YAML
          + """
              notify:
                - {url: "https://hooks.example/a", on: [succeeded, failed]}
                - {url: "https://hooks.example/b", on: [succeeded]}
                - {url: "https://hooks.example/c", on: [cancelled]}
          """;

  @TempDir Path data;

  @Test
  void attemptsAfterTheEndReplayToTheSameDeliveriesAndTheRunStaysEnded() throws Exception {
    JournalFixture fixture = new JournalFixture(data, YAML);
    List<RunEvent> events = new ArrayList<>(fixture.succeededRun(1));
    events.addAll(
        List.of(
            attempt(1, 1, 500, "answered HTTP 500", false, T.plusSeconds(5)),
            attempt(2, 1, null, "Connection refused", false, T.plusSeconds(5)),
            attempt(1, 2, 204, null, true, null)));
    fixture.write(events);

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.endedAt()).isEqualTo(T);
    assertThat(run.deliveries())
        .extracting(Delivery::url, Delivery::status, d -> d.attempts().size())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("https://hooks.example/a", "delivered", 2),
            org.assertj.core.groups.Tuple.tuple("https://hooks.example/b", "pending", 1));
    assertThat(run.deliveries().get(1).nextAttemptAt()).isEqualTo(T.plusSeconds(5));
    assertThat(run.deliveries().get(0).attempts().get(0).status()).isEqualTo(500);
    assertThat(run.deliveries().get(1).attempts().get(0).status()).isNull();
    assertThat(run.deliveries().get(1).attempts().get(0).error()).isEqualTo("Connection refused");
    assertThat(JournalEvents.of(data, JournalFixture.RUN))
        .extracting(e -> e.getString("type"))
        .endsWith(
            "ended", "notification_attempted", "notification_attempted", "notification_attempted");
  }

  @Test
  void aGivenUpDeliveryReplaysAsFailed() throws Exception {
    JournalFixture fixture = new JournalFixture(data, YAML);
    List<RunEvent> events = new ArrayList<>(fixture.succeededRun(1));
    events.add(attempt(1, 1, 503, "answered HTTP 503", false, null));
    fixture.write(events);

    Run run = fixture.load();

    assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    assertThat(run.deliveries().get(0).status()).isEqualTo("failed");
    assertThat(run.deliveries().get(0).pending()).isFalse();
  }

  private static RunEvent.NotificationAttempted attempt(
      int delivery,
      int attempt,
      Integer status,
      String error,
      boolean delivered,
      java.time.Instant next) {
    return new RunEvent.NotificationAttempted(
        T.plusSeconds(attempt), delivery, attempt, status, error, 12, delivered, next);
  }
}
