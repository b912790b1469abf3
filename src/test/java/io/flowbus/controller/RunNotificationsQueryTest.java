package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.cluster.OrchestratorProtocol;
import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.OrchestratorRequest.ListNotifications;
import io.flowbus.cluster.ProblemException;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.testing.DefinitionsBuilder;
import io.flowbus.testing.JobBuilder;
import io.flowbus.testing.RunBuilder;
import io.flowbus.testing.RunEvents;
import io.flowbus.testing.TaskClassBuilder;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GET /api/runs/{id}/notifications}: each delivery with its attempts, through the bus. */
class RunNotificationsQueryTest {
  private final Runs runs = new Runs();
  private final RunQueries queries = new RunQueries(runs, null, null, null, null);

  @Test
  void showsEachDeliveryWithItsAttemptsAndWhenItIsTriedNext() {
    Run run =
        RunBuilder.aRun()
            .withPlan(
                DefinitionsBuilder.aDefinitions()
                    .task(TaskClassBuilder.aTask("t"))
                    .job(
                        JobBuilder.aJob("j")
                            .stage("s", "t")
                            .with(
                                "notify",
                                List.of(
                                    Map.of(
                                        "url",
                                        "https://hooks.example/x",
                                        "on",
                                        List.of("cancelled")))))
                    .plan("j"))
            .started()
            .then(RunEvents.cancelled())
            .then(
                new RunEvent.NotificationAttempted(
                    RunEvents.T0.plusSeconds(10),
                    1,
                    1,
                    502,
                    "answered HTTP 502",
                    31,
                    false,
                    RunEvents.T0.plusSeconds(15)))
            .build();
    runs.put(run);

    JsonObject answer = ask(new ListNotifications(run.id()));

    JsonObject delivery = answer.getJsonArray("items").getJsonObject(0);
    assertThat(delivery.getString("id")).isEqualTo(run.id() + ".1");
    assertThat(delivery.getString("url")).isEqualTo("https://hooks.example/x");
    assertThat(delivery.getString("event")).isEqualTo("run.cancelled");
    assertThat(delivery.getString("state")).isEqualTo("pending");
    assertThat(delivery.getString("next_attempt_at"))
        .isEqualTo(RunEvents.T0.plusSeconds(15).toString());
    assertThat(delivery.getJsonArray("attempts").getJsonObject(0).getMap())
        .containsEntry("status", 502)
        .containsEntry("error", "answered HTTP 502")
        .containsEntry("duration_ms", 31L)
        .containsEntry("at", RunEvents.T0.plusSeconds(10).toString());
    assertThat(run.state()).isEqualTo(RunState.CANCELLED);
  }

  @Test
  void anUnknownRunIsA404() {
    assertThatThrownBy(() -> ask(new ListNotifications("nope")))
        .isInstanceOf(ProblemException.class)
        .satisfies(e -> assertThat(((ProblemException) e).status()).isEqualTo(404));
  }

  private JsonObject ask(ListNotifications request) {
    OrchestratorRequest decoded = OrchestratorProtocol.decode(OrchestratorProtocol.encode(request));
    assertThat(decoded).isEqualTo(request);
    return ((OrchestratorRequest.Read) decoded).accept(queries);
  }
}
