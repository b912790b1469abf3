package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.Node;
import io.flowbus.testing.Http;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of SPEC §6 at the HTTP level against a real node: event streams a client does not read
 * are closed and leave nothing behind, JSON input is strict, and file names are served as they are.
 */
class ApiLimitsIT {
  @TempDir static Path data;
  static Node node;
  static Http http;

  @BeforeAll
  static void start() {
    node = TestNodes.startAlone("src/test/resources/it/limits_jobs.yaml", data, 4, null);
    http = TestNodes.http(node);
  }

  @AfterAll
  static void stop() {
    node.stopAndWait();
  }

  static int openStreams() {
    return http.openEventStreams();
  }

  static JsonObject awaitEnded(String runId) {
    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () ->
                Set.of("SUCCEEDED", "FAILED", "CANCELLED")
                    .contains(http.get("/api/runs/" + runId).json().getString("state")));
    return http.get("/api/runs/" + runId).json();
  }

  static Socket subscribe(String runId) throws IOException {
    Socket socket = new Socket("127.0.0.1", node.config().port());
    socket
        .getOutputStream()
        .write(
            ("GET /api/runs/" + runId + "/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return socket;
  }

  @Test
  void anEventStreamWhoseClientDoesNotReadIsClosedNotBuffered() throws Exception {
    // 60 tasks whose every event carries a 50 kB input: about 9 MB of events in a few seconds
    JsonObject inputs = new JsonObject().put("count", "60").put("pad", "p".repeat(50_000));
    String id =
        http.post(
                "/api/jobs/padded/runs", new JsonObject().put("inputs", inputs).put("start", false))
            .json()
            .getString("id");
    int before = openStreams();
    try (Socket idle = new Socket()) {
      idle.setReceiveBufferSize(4096); // before connecting, so the window stays small
      idle.connect(new java.net.InetSocketAddress("127.0.0.1", node.config().port()));
      idle.getOutputStream()
          .write(
              ("GET /api/runs/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      await().until(() -> openStreams() == before + 1);
      assertThat(http.post("/api/runs/" + id + "/start").status()).isEqualTo(200);
      assertThat(awaitEnded(id).getString("state")).isEqualTo("SUCCEEDED");
      await().until(() -> openStreams() == before);

      idle.setSoTimeout(30_000); // a connection left open fails the test with a timeout
      long received = 0;
      byte[] buffer = new byte[64 * 1024];
      InputStream in = idle.getInputStream();
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        received += n;
      }
      // the server closed the connection: a stream that ends normally keeps it open, and the
      // events of the run are far more than what came through
      assertThat(received).isLessThan(8L * 1024 * 1024);
    }
  }

  @Test
  void clientsThatConnectAndResetLeaveNoStreamBehind() throws Exception {
    String id = http.post("/api/jobs/slow/runs").json().getString("id");
    int before = openStreams();
    try (Socket watcher = subscribe(id)) {
      await().until(() -> openStreams() == before + 1);
      for (int i = 0; i < 200; i++) {
        try (Socket client = subscribe(id)) {
          if (i % 2 == 0) {
            client.setSoTimeout(10_000);
            client.getInputStream().read(); // wait until the stream has begun
          }
          client.setSoLinger(true, 0); // close with a reset
        }
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> openStreams() == before + 1);
      watcher.setSoLinger(true, 0);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> openStreams() == before);
    assertThat(http.post("/api/runs/" + id + "/cancel").status()).isEqualTo(200);
  }

  @Test
  void overHttp2ABodyPastTheLimitIs413AndTheConnectionServesOn() throws Exception {
    java.net.http.HttpClient client =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_2)
            .build();
    java.net.URI base = java.net.URI.create(http.base());
    // the first request upgrades the connection to h2c
    assertThat(
            client
                .send(
                    java.net.http.HttpRequest.newBuilder(base.resolve("/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .version())
        .isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
    int runs = runsOf("echo");
    for (int i = 0; i < 3; i++) {
      java.net.http.HttpResponse<String> tooLarge =
          client.send(
              java.net.http.HttpRequest.newBuilder(base.resolve("/api/jobs/echo/runs"))
                  .header("Content-Type", "application/json")
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                          () -> new java.io.ByteArrayInputStream(new byte[8 * 1024 * 1024])))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(tooLarge.body()).contains("--body-limit");
      java.net.http.HttpResponse<String> next =
          client.send(
              java.net.http.HttpRequest.newBuilder(base.resolve("/api/jobs/echo")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(next.statusCode()).isEqualTo(200);
    }
    assertThat(runsOf("echo")).isEqualTo(runs);
  }

  @Test
  void numbersThatCannotBeKeptExactlyAreRefusedAndCreateNothing() {
    int runs = runsOf("echo");
    for (String number : List.of("1e400", "-1e400", "1e-400", "0.10000000000000000001")) {
      Http.Response r = postRaw("{\"inputs\": {\"value\": " + number + "}}");
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().getString("detail")).contains(number).contains("/inputs/value");
    }
    assertThat(runsOf("echo")).isEqualTo(runs);
    for (String number : List.of("1.5", "12", "123456789012345678901234567890", "1e3")) {
      Http.Response r = postRaw("{\"inputs\": {\"value\": " + number + "}}");
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      assertThat(awaitEnded(r.json().getString("id")).getString("state")).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  void duplicateKeysAreRefusedNamingTheKey() {
    int runs = runsOf("echo");
    Http.Response inner = postRaw("{\"inputs\": {\"value\": \"a\", \"value\": \"b\"}}");
    assertThat(inner.status()).as(inner.body()).isEqualTo(400);
    assertThat(inner.json().getString("detail")).contains("'value'");
    Http.Response outer =
        postRaw("{\"start\": false, \"inputs\": {\"value\": 1}, \"start\": true}");
    assertThat(outer.status()).as(outer.body()).isEqualTo(400);
    assertThat(outer.json().getString("detail")).contains("'start'");
    assertThat(runsOf("echo")).isEqualTo(runs);
  }

  @Test
  void nulCharactersAreRefusedInValuesAndKeys() {
    int runs = runsOf("echo");
    Http.Response value = postRaw("{\"inputs\": {\"value\": \"a\\u0000b\"}}");
    assertThat(value.status()).as(value.body()).isEqualTo(400);
    assertThat(value.json().getString("detail")).contains("NUL").contains("/inputs/value");
    Http.Response key = postRaw("{\"inputs\": {\"val\\u0000ue\": \"x\"}}");
    assertThat(key.status()).as(key.body()).isEqualTo(400);
    assertThat(key.json().getString("detail")).contains("NUL").contains("key");
    Http.Response query = http.post("/api/jobs/echo/runs?value=a%00b");
    assertThat(query.status()).as(query.body()).isEqualTo(400);
    assertThat(query.json().getString("detail")).contains("NUL").contains("'value'");
    Http.Response raw = postRaw("{\"inputs\": {\"value\": \"a\0b\"}}");
    assertThat(raw.status()).as(raw.body()).isEqualTo(400);
    assertThat(runsOf("echo")).isEqualTo(runs);
  }

  @Test
  void aFileNameWithABackslashIsListedAndServedAsItIs() {
    String id = http.post("/api/jobs/backslash/runs").json().getString("id");
    assertThat(awaitEnded(id).getString("state")).isEqualTo("SUCCEEDED");
    List<String> paths =
        http.get("/api/runs/" + id + "/files").json().getJsonArray("items").stream()
            .map(f -> ((JsonObject) f).getString("path"))
            .toList();
    assertThat(paths).contains("back\\slash.txt", "plain.txt");
    Http.Response file = http.get("/api/runs/" + id + "/files/back%5Cslash.txt");
    assertThat(file.status()).as(file.body()).isEqualTo(200);
    assertThat(file.body()).isEqualTo("bs");
    assertThat(http.get("/api/runs/" + id + "/files/back%2Fslash.txt").status()).isEqualTo(404);
    assertThat(http.get("/api/runs/" + id + "/files/..%5C..%5Cmeta").status()).isEqualTo(404);
    assertThat(http.get("/api/runs/" + id + "/files/..%2F..%2Fmeta").status()).isEqualTo(400);
  }

  private static Http.Response postRaw(String body) {
    return http.send("POST", "/api/jobs/echo/runs", body, "application/json", Map.of());
  }

  private static int runsOf(String job) {
    return http.get("/api/runs?job=" + job + "&limit=1000").json().getJsonArray("items").size();
  }
}
