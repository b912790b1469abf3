package io.flowbus.controller;

import static io.flowbus.testing.RunBuilder.aRunningFanOut;
import static io.flowbus.testing.RunEvents.failed;
import static io.flowbus.testing.RunEvents.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.cluster.OrchestratorProtocol;
import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.OrchestratorRequest.ListFailures;
import io.flowbus.cluster.ProblemException;
import io.flowbus.model.Run;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code GET /api/runs/{id}/failures}: every failed instance, paged, secrets masked. */
class RunFailuresTest {
  private final Runs runs = new Runs();
  private final RunQueries queries = new RunQueries(runs, null, null, null, null);

  @Test
  void listsEveryFailedInstanceWithItsInputsMaskedAndNothingElse() {
    Run run =
        aRunningFanOut(4)
            .then(failed("s1-t0", 1), succeeded("s1-t1", 1), failed("s1-t3", 1))
            .build();
    runs.put(run);

    JsonObject page = failures(new ListFailures(run.id(), 100, null));

    JsonArray items = page.getJsonArray("items");
    assertThat(items).hasSize(2);
    JsonObject first = items.getJsonObject(0);
    assertThat(first.getString("task")).isEqualTo("s1-t0");
    assertThat(first.getInteger("stage")).isEqualTo(1);
    assertThat(first.getString("stage_name")).isEqualTo("Fetch");
    assertThat(first.getInteger("index")).isZero();
    assertThat(first.getInteger("exit_code")).isEqualTo(1);
    assertThat(first.getString("error")).isEqualTo("exited with code 1");
    assertThat(first.getJsonObject("inputs").getMap())
        .containsEntry("url", "https://example.com/0")
        .containsEntry("token", "***");
    assertThat(first.encode()).doesNotContain("s3cret");
    assertThat(items.getJsonObject(1).getString("task")).isEqualTo("s1-t3");
    assertThat(page.getString("next")).isNull();
  }

  @Test
  void pagesFollowTheTaskOrder() {
    Run run =
        aRunningFanOut(3).then(failed("s1-t0", 1), failed("s1-t1", 1), failed("s1-t2", 1)).build();
    runs.put(run);

    JsonObject first = failures(new ListFailures(run.id(), 2, null));
    JsonObject second = failures(new ListFailures(run.id(), 2, first.getString("next")));

    assertThat(first.getJsonArray("items")).hasSize(2);
    assertThat(first.getString("next")).isEqualTo("s1-t1");
    assertThat(second.getJsonArray("items").getJsonObject(0).getString("task")).isEqualTo("s1-t2");
    assertThat(second.getString("next")).isNull();
  }

  @Test
  void anUnknownRunIs404AndABadCursorIs400() {
    assertThatThrownBy(() -> failures(new ListFailures("nope", 10, null)))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> assertThat(e.problem().getInteger("status")).isEqualTo(404));
    Run run = aRunningFanOut(1).build();
    runs.put(run);
    assertThatThrownBy(() -> failures(new ListFailures(run.id(), 10, "zzz")))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> assertThat(e.problem().getInteger("status")).isEqualTo(400));
  }

  @Test
  void theRequestCrossesTheWireUnchanged() {
    ListFailures request = new ListFailures("run-7", 25, "s1-t3");

    OrchestratorRequest decoded = OrchestratorProtocol.decode(OrchestratorProtocol.encode(request));

    assertThat(decoded).isEqualTo(request);
  }

  /** As the endpoint answers it: through the protocol, then the queries. */
  private JsonObject failures(ListFailures request) {
    var decoded =
        (OrchestratorRequest.Read)
            OrchestratorProtocol.decode(OrchestratorProtocol.encode(request));
    return decoded.accept(queries);
  }
}
