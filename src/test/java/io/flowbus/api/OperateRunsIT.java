package io.flowbus.api;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.Runs.awaitTaskState;

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

/** Pause, resume and retry over REST on one node: the answers, and the 409s naming the state. */
class OperateRunsIT {
  @TempDir static Path data;
  static Node node;
  static Http http;

  @BeforeAll
  static void start() {
    node = TestNodes.startAlone("src/test/resources/it/test_jobs.yaml", data, 2, null);
    http = TestNodes.http(node);
  }

  @AfterAll
  static void stop() {
    node.stopAndWait();
  }

  @Test
  void aPausedRunCanBeCancelledAndTheCancelledRunRetried() {
    String id = Runs.create(http, "/api/jobs/slow/runs?seconds=60");
    awaitTaskState(http, id, "s0-t0", "RUNNING");
    assertThat(http.post("/api/runs/" + id + "/pause").json().getString("state"))
        .isEqualTo("PAUSED");
    assertThat(http.get("/api/runs?state=PAUSED").json().getJsonArray("items").encode())
        .contains(id);

    assertThat(http.post("/api/runs/" + id + "/cancel").json().getString("state"))
        .isEqualTo("CANCELLED");
    awaitTaskState(http, id, "s0-t0", "CANCELLED");
    Http.Response retried = http.post("/api/runs/" + id + "/retry");

    assertThat(retried.status()).as(retried.body()).isEqualTo(200);
    assertThat(retried.json().getString("state")).isEqualTo("RUNNING");
    assertThat(retried.json().getInteger("retried")).isEqualTo(1);
    JsonObject task = awaitTaskState(http, id, "s0-t0", "RUNNING");
    assertThat(task.getJsonArray("history")).hasSize(2);
    assertThat(task.getJsonArray("history").getJsonObject(0).getString("state"))
        .isEqualTo("CANCELLED");
    http.post("/api/runs/" + id + "/cancel");
  }

  @Test
  void theWrongStateIsAConflictThatNamesItAndAnUnknownRunIsNotFound() {
    String id =
        http.post("/api/jobs/single/runs", new JsonObject().put("start", false))
            .json()
            .getString("id");
    for (String op : new String[] {"pause", "resume", "retry"}) {
      Http.Response answer = http.post("/api/runs/" + id + "/" + op);
      assertThat(answer.status()).as(op).isEqualTo(409);
      assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(answer.json().getString("detail")).as(op).contains("is CREATED");
    }
    assertThat(http.post("/api/runs/20990101-000000-000-none/retry").status()).isEqualTo(404);
  }

  @Test
  void aRunGivenSecretsIsRetriedWithThemAndDropsThemOnceItSucceeded() throws Exception {
    Http.Response created =
        http.send(
            "POST",
            "/api/jobs/secret/runs",
            "{\"start\": false}",
            "application/json",
            Map.of("X-Token", "s3cret-token-value"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(http.post("/api/runs/" + id + "/cancel").json().getString("state"))
        .isEqualTo("CANCELLED");
    Path secrets = data.resolve("meta").resolve(id).resolve("secrets.enc");
    assertThat(secrets).as("kept, encrypted, for a retry by any orchestrator").exists();

    Http.Response answer = http.post("/api/runs/" + id + "/retry");

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(Runs.awaitEnded(http, id).getString("state")).isEqualTo("SUCCEEDED");
    org.awaitility.Awaitility.await().until(() -> !java.nio.file.Files.exists(secrets));
    Path token = data.resolve("runs").resolve(id).resolve("token.txt");
    assertThat(java.nio.file.Files.readString(token).trim())
        .as("the task got the secret itself, not its mask")
        .isEqualTo("s3cret-token-value");
  }
}
