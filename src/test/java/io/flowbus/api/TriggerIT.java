package io.flowbus.api;

import static io.flowbus.testing.FlowbusAssertions.assertThat;

import io.flowbus.Node;
import io.flowbus.testing.Http;
import io.flowbus.testing.Runs;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §7's idempotent trigger and wait against a real node. The test client gives up after 60 s,
 * so a wait of 5 minutes that answers at all answered because the run ended, not at its deadline.
 */
class TriggerIT {
  @TempDir static Path data;
  static Node node;
  static Http http;

  @BeforeAll
  static void start() {
    node = TestNodes.startAlone("src/test/resources/it/test_jobs.yaml", data, 4, null);
    http = TestNodes.http(node);
  }

  @AfterAll
  static void stop() {
    node.stopAndWait();
  }

  @Test
  void theSameKeyTwiceCreatesOneRunAndAnswersItAgainWith200() {
    int before = runsOf("single");
    Map<String, String> key = Map.of("Idempotency-Key", "nightly-2026-11-26");

    Http.Response first = http.post("/api/jobs/single/runs?item=a", key);
    Http.Response again = http.post("/api/jobs/single/runs?item=a", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    String id = first.json().getString("id");
    assertThat(again.json().getString("id")).isEqualTo(id);
    assertThat(again.header("Location")).isEqualTo("/api/runs/" + id);
    assertThat(runsOf("single")).isEqualTo(before + 1);
  }

  @Test
  void theSameKeyWithOtherInputsIsA422AndCreatesNothing() {
    Map<String, String> key = Map.of("Idempotency-Key", "other-inputs");
    String id = http.post("/api/jobs/single/runs?item=a", key).json().getString("id");
    int before = runsOf("single");

    Http.Response other = http.post("/api/jobs/single/runs?item=b", key);

    assertThat(other.status()).isEqualTo(422);
    assertThat(other.json().getString("detail")).contains(id);
    assertThat(runsOf("single")).isEqualTo(before);
  }

  @Test
  void theSameKeyWithAnotherSecretHeaderIsA422ThatQuotesNoSecret() {
    Map<String, String> first = Map.of("Idempotency-Key", "secret-key", "X-Token", "tok-first-1");
    assertThat(http.post("/api/jobs/secret/runs", first).status()).isEqualTo(201);

    Http.Response other =
        http.post(
            "/api/jobs/secret/runs", Map.of("Idempotency-Key", "secret-key", "X-Token", "tok-2nd"));

    assertThat(other.status()).isEqualTo(422);
    assertThat(other.body()).doesNotContain("tok-first-1").doesNotContain("tok-2nd");
    assertThat(http.post("/api/jobs/secret/runs", first).status()).isEqualTo(200);
  }

  @Test
  void aKeyOver255CharactersOrAnEmptyOneIsA400AndCreatesNothing() {
    int before = runsOf("single");

    Http.Response tooLong =
        http.post("/api/jobs/single/runs", Map.of("Idempotency-Key", "k".repeat(256)));
    Http.Response empty = http.post("/api/jobs/single/runs", Map.of("Idempotency-Key", ""));

    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().getString("detail")).contains("256").contains("255");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(runsOf("single")).isEqualTo(before);
    assertThat(
            http.post("/api/jobs/single/runs", Map.of("Idempotency-Key", "k".repeat(255))).status())
        .isEqualTo(201);
  }

  @Test
  void postWithWaitAnswersTheEndedRun() {
    Http.Response created = http.post("/api/jobs/single/runs?wait=5m");

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.json().getString("state")).isEqualTo("SUCCEEDED");
    assertThat(created.json().getJsonArray("stages").getJsonObject(0).getString("state"))
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void anIdempotentReplayWithWaitAnswers200WithTheEndedRun() {
    Map<String, String> key = Map.of("Idempotency-Key", "replay-and-wait");
    Http.Response first = http.post("/api/jobs/slow/runs?seconds=1", key);

    Http.Response again = http.post("/api/jobs/slow/runs?seconds=1&wait=5m", key);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    assertThat(again.json().getString("state")).isEqualTo("SUCCEEDED");
  }

  @Test
  void getWithWaitAnswersOnceTheRunHasEnded() {
    String id = Runs.create(http, "/api/jobs/slow/runs?seconds=1");

    Http.Response waited = http.get("/api/runs/" + id + "?wait=5m");

    assertThat(waited.status()).isEqualTo(200);
    assertThat(waited.json().getString("state")).isEqualTo("SUCCEEDED");
  }

  @Test
  void getWithWaitOnALongRunAnswersAtTheDeadlineWithTheRunStillRunning() {
    String id = Runs.create(http, "/api/jobs/slow/runs?seconds=60");

    Http.Response waited = http.get("/api/runs/" + id + "?wait=300ms");

    assertThat(waited.status()).isEqualTo(200);
    assertThat(waited.json().getString("state")).isEqualTo("RUNNING");
    JsonObject cancelled = http.post("/api/runs/" + id + "/cancel").json();
    assertThat(cancelled.getString("state")).isEqualTo("CANCELLED");
    Http.Response settled = http.get("/api/runs/" + id + "?wait=5m");
    assertThat(settled.json().getJsonArray("stages").getJsonObject(0).getString("state"))
        .isEqualTo("CANCELLED");
  }

  @Test
  void aWaitOver5MinutesIsTakenAs5AndOneThatIsNotADurationIsA400CreatingNothing() {
    String id = Runs.create(http, "/api/jobs/single/runs");
    String state = http.get("/api/runs/" + id + "?wait=5m").json().getString("state");
    int before = runsOf("single");

    Http.Response ended = http.get("/api/runs/" + id + "?wait=1h");
    Http.Response notADuration = http.post("/api/jobs/single/runs?wait=soon");
    Http.Response getNotADuration = http.get("/api/runs/" + id + "?wait=soon");

    assertThat(ended.status()).as("an ended run is answered at once").isEqualTo(200);
    assertThat(ended.json().getString("state")).isEqualTo(state).isEqualTo("SUCCEEDED");
    assertThat(notADuration.status()).isEqualTo(400);
    assertThat(notADuration.json().getString("detail")).startsWith("'wait': ");
    assertThat(getNotADuration.status()).isEqualTo(400);
    assertThat(runsOf("single")).isEqualTo(before);
  }

  @Test
  void aWaitForAnUnknownRunIsA404() {
    assertThat(http.get("/api/runs/20260101-000000-000-none?wait=1s").status()).isEqualTo(404);
  }

  private static int runsOf(String job) {
    return http.get("/api/runs?limit=1000&job=" + job).json().getJsonArray("items").size();
  }
}
