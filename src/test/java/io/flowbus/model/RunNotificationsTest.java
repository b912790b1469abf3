package io.flowbus.model;

import static io.flowbus.testing.RunEvents.dispatched;
import static io.flowbus.testing.RunEvents.failed;
import static io.flowbus.testing.RunEvents.stageEnded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.testing.DefinitionsBuilder;
import io.flowbus.testing.JobBuilder;
import io.flowbus.testing.RunBuilder;
import io.flowbus.testing.RunEvents;
import io.flowbus.testing.TaskClassBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The end of a run makes a delivery due for each matching notify target; attempts never revive it.
 */
class RunNotificationsTest {
  private static final RunPlan PLAN =
      DefinitionsBuilder.aDefinitions()
          .task(TaskClassBuilder.aTask("t"))
          .job(
              JobBuilder.aJob("j")
                  .stage("s", "t")
                  .with(
                      "notify",
                      List.of(
                          Map.of("url", "https://a.example/", "on", List.of("failed")),
                          Map.of("url", "https://b.example/", "on", List.of("succeeded")),
                          Map.of(
                              "url", "https://c.example/", "on", List.of("failed", "cancelled")))))
          .build()
          .job("j")
          .map(job -> new RunPlan(job, Map.of(), DefinitionsBuilder.VERSION))
          .orElseThrow();

  private static RunBuilder failedRun() {
    return RunBuilder.aRun()
        .withPlan(PLAN)
        .inFirstStage()
        .then(dispatched("s0-t0", 1), failed("s0-t0", 1))
        .then(stageEnded(0, TaskState.FAILED), RunEvents.ended(RunState.FAILED));
  }

  @Test
  void aFailedRunIsDueOneDeliveryPerTargetThatAsksForFailed() {
    Run run = failedRun().build();

    assertThat(run.deliveries())
        .extracting(Delivery::number, Delivery::url, Delivery::event, Delivery::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "https://a.example/", "run.failed", "pending"),
            org.assertj.core.groups.Tuple.tuple(2, "https://c.example/", "run.failed", "pending"));
    assertThat(run.deliveries().get(0).nextAttemptAt()).isEqualTo(run.endedAt());
    assertThat(run.deliveries().get(0).id(run.id())).isEqualTo(run.id() + ".1");
  }

  @Test
  void aCancelledRunNotifiesThoseAskingForCancelled() {
    Run run = RunBuilder.aRun().withPlan(PLAN).inFirstStage().then(RunEvents.cancelled()).build();

    assertThat(run.deliveries()).extracting(Delivery::url).containsExactly("https://c.example/");
    assertThat(run.deliveries().get(0).event()).isEqualTo("run.cancelled");
  }

  @Test
  void anAttemptAfterTheEndChangesTheDeliveryNotTheRun() {
    Run run = failedRun().build();
    Instant endedAt = run.endedAt();

    run.apply(attempted(1, 1, true, null));

    assertThat(run.state()).isEqualTo(RunState.FAILED);
    assertThat(run.endedAt()).isEqualTo(endedAt);
    assertThat(run.deliveries().get(0).status()).isEqualTo("delivered");
    assertThat(run.deliveries().get(0).nextAttemptAt()).isNull();
    assertThatThrownBy(() -> run.apply(attempted(1, 2, true, null)))
        .as("a delivered notification takes no further attempt")
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> run.apply(attempted(9, 1, true, null)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRetriedRunThatEndsAgainIsDueNewDeliveries() {
    Run run =
        failedRun()
            .then(
                new RunEvent.Retried(RunEvents.T0.plusSeconds(20)),
                dispatched("s0-t0", 2),
                failed("s0-t0", 2),
                stageEnded(0, TaskState.FAILED),
                new RunEvent.Ended(RunEvents.T0.plusSeconds(30), RunState.FAILED, "again"))
            .build();

    assertThat(run.deliveries()).extracting(Delivery::number).containsExactly(1, 2, 3, 4);
    assertThat(run.deliveries().get(2).dueAt()).isEqualTo(RunEvents.T0.plusSeconds(30));
  }

  @Test
  void aRunWhoseTargetsDoNotAskForItsEndIsDueNothing() {
    Run run =
        RunBuilder.aRun()
            .withPlan(PLAN)
            .inFirstStage()
            .then(dispatched("s0-t0", 1), RunEvents.succeeded("s0-t0", 1))
            .then(stageEnded(0, TaskState.SUCCEEDED), RunEvents.ended(RunState.SUCCEEDED))
            .build();

    assertThat(run.deliveries()).extracting(Delivery::url).containsExactly("https://b.example/");
  }

  private static RunEvent.NotificationAttempted attempted(
      int delivery, int attempt, boolean delivered, Instant next) {
    return new RunEvent.NotificationAttempted(
        RunEvents.T0.plusSeconds(60),
        delivery,
        attempt,
        delivered ? 200 : 500,
        null,
        3,
        delivered,
        next);
  }
}
