package io.flowbus.api;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatProblem;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static io.flowbus.testing.Runs.awaitTaskState;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import io.flowbus.Node;
import io.flowbus.testing.Http;
import io.flowbus.testing.Runs;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API of SPEC §3 against a real node (clustered Vert.x, alone in its cluster). */
class ApiIT {
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

  static String create(String path) {
    return Runs.create(http, path);
  }

  @Test
  void healthReadinessAndMetricsAnswer() {
    assertThat(http.get("/health").json().getString("status")).isEqualTo("UP");
    assertThat(http.get("/ready").status()).isEqualTo(200);
    awaitEnded(http, create("/api/jobs/single/runs"));
    Http.Response metrics = http.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("flowbus_runs_submitted_total")
        .contains("flowbus_runs_ended_total")
        .contains("flowbus_task_attempts_total")
        .contains("flowbus_worker_slots_free")
        .contains("flowbus_tasks_queued");
  }

  @Test
  void theWebUisFilesEndTheirRequests() {
    double before = activeGets();
    for (int i = 0; i < 3; i++) {
      assertThat(http.get("/").status()).isEqualTo(200);
      String modified = http.get("/assets/app.js").header("Last-Modified");
      Http.Response unchanged =
          http.withHeaders(Map.of("If-Modified-Since", modified)).get("/assets/app.js");
      assertThat(unchanged.status()).isEqualTo(304);
    }
    assertThat(activeGets()).as("requests still counted as active").isEqualTo(before);
  }

  /** {@code vertx_http_server_active_requests} for GET, the asking request included. */
  private static double activeGets() {
    Matcher m =
        Pattern.compile("(?m)^vertx_http_server_active_requests\\{method=\"GET\"} (\\S+)$")
            .matcher(http.get("/metrics").body());
    assertThat(m.find()).as("the gauge in /metrics").isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void jobsAreListedAndShown() {
    JsonArray items = http.get("/api/jobs").json().getJsonArray("items");
    assertThat(items.stream().map(j -> ((JsonObject) j).getString("id")))
        .contains("single", "fanout", "secret");
    JsonObject fanout = http.get("/api/jobs/fanout").json();
    assertThat(fanout.getJsonArray("stages").getJsonObject(0).getString("spawn_task"))
        .isEqualTo("gen");
    assertThat(fanout.getJsonObject("inputs").getJsonObject("count").getString("default"))
        .isEqualTo("5");
    Http.Response missing = http.get("/api/jobs/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void aFanOutRunsEveryEntryThenTheNextStageAndKeepsTheFiles() {
    Http.Response created = http.post("/api/jobs/fanout/runs?count=7");
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.header("Location")).isEqualTo("/api/runs/" + id);

    JsonObject run = awaitEnded(http, id);

    assertThatRun(run)
        .hasState("SUCCEEDED")
        .stage(0)
        .hasSpawnState("SUCCEEDED")
        .hasCounts(Map.of("total", 7, "succeeded", 7));
    List<String> paths =
        http.get("/api/runs/" + id + "/files").json().getJsonArray("items").stream()
            .map(f -> ((JsonObject) f).getString("path"))
            .toList();
    assertThat(paths).contains("out/0-v0.txt", "out/6-v6.txt", "out/0-single.txt", "spawn.json");
    Http.Response file = http.get("/api/runs/" + id + "/files/out/3-v3.txt");
    assertThat(file.body()).isEqualTo("v3");
    assertThat(file.header("Content-Security-Policy")).isEqualTo("sandbox; default-src 'none'");
    assertThat(file.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(file.header("Content-Disposition")).isEqualTo("attachment; filename=\"3-v3.txt\"");
    Http.Response log = http.get("/api/runs/" + id + "/tasks/s0-t3/log?stream=stdout");
    assertThat(log.body()).isEqualTo("wrote v3 on stage 0\n");
    // a HEAD tells a file's length, as its GET does
    assertThat(http.raw(UTF_8, "HEAD /api/runs/" + id + "/files/out/3-v3.txt"))
        .startsWith("HTTP/1.1 200")
        .containsIgnoringCase("content-length: 2\r\n")
        .endsWith("\r\n\r\n");
    assertThat(http.raw(UTF_8, "HEAD /api/runs/" + id + "/tasks/s0-t3/log?stream=stdout"))
        .containsIgnoringCase("content-length: 20\r\n");
    assertThat(log.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(log.header("Content-Security-Policy")).isEqualTo("sandbox; default-src 'none'");
    assertThat(log.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void tasksAreListedPagedAndFiltered() {
    String id = create("/api/jobs/fanout/runs?count=5");
    awaitEnded(http, id);
    JsonObject page = http.get("/api/runs/" + id + "/tasks?stage=0&limit=4").json();
    assertThat(page.getJsonArray("items")).hasSize(4);
    JsonObject first = page.getJsonArray("items").getJsonObject(0);
    assertThat(first.getString("id")).isEqualTo("s0-spawn");
    assertThat(first.getString("kind")).isEqualTo("spawn");
    assertThat(first.getValue("index")).isNull();
    JsonObject task = page.getJsonArray("items").getJsonObject(1);
    assertThat(task.fieldNames())
        .contains(
            "id",
            "stage",
            "index",
            "kind",
            "task_class",
            "state",
            "attempts",
            "node",
            "exit_code",
            "started_at",
            "ended_at",
            "inputs",
            "error");
    assertThat(task.getJsonObject("inputs").getString("item")).isEqualTo("v0");
    JsonObject rest =
        http.get("/api/runs/" + id + "/tasks?stage=0&limit=4&after=" + page.getString("next"))
            .json();
    assertThat(rest.getJsonArray("items"))
        .extracting(t -> ((JsonObject) t).getString("id"))
        .containsExactly("s0-t3", "s0-t4");
    assertThat(rest.getValue("next")).isNull();
    assertThat(http.get("/api/runs/" + id + "/tasks?state=FAILED").json().getJsonArray("items"))
        .isEmpty();
    assertThat(http.get("/api/runs/" + id + "/tasks?state=BOGUS").status()).isEqualTo(400);
    assertThatProblem(http.get("/api/runs/" + id + "/tasks?stage=9"))
        .hasStatus(400)
        .hasDetail("'stage' must be a stage index of this run (0 to 1), not 9");
  }

  @Test
  void runsAreListedNewestFirstInPages() {
    String a = create("/api/jobs/single/runs?item=a");
    String b = create("/api/jobs/single/runs?item=b");
    String c = create("/api/jobs/single/runs?item=c");
    JsonObject page = http.get("/api/runs?job=single&limit=2").json();
    List<String> ids =
        page.getJsonArray("items").stream().map(r -> ((JsonObject) r).getString("id")).toList();
    assertThat(ids).containsExactly(c, b);
    JsonObject next =
        http.get("/api/runs?job=single&limit=2&after=" + page.getString("next")).json();
    assertThat(next.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(a);
    assertThat(http.get("/api/runs?limit=0").status()).isEqualTo(400);
    assertThat(http.get("/api/runs?state=NOPE").status()).isEqualTo(400);
    assertThatProblem(http.get("/api/runs?after=garbage"))
        .hasStatus(400)
        .hasDetail("'after' must be a run id, not 'garbage'");
  }

  @Test
  void anOptionalJobInputLeftOutReachesTheTaskAsAnEmptyString() {
    String left = create("/api/jobs/optional/runs");
    String given = create("/api/jobs/optional/runs?item=x");

    assertThat(awaitEnded(http, left).getString("state")).isEqualTo("SUCCEEDED");
    assertThat(awaitEnded(http, given).getString("state")).isEqualTo("SUCCEEDED");
    assertThat(http.get("/api/runs/" + left + "/tasks/s0-t0/log?stream=stdout").body())
        .isEqualTo("[]\n");
    assertThat(http.get("/api/runs/" + given + "/tasks/s0-t0/log?stream=stdout").body())
        .isEqualTo("[x]\n");
  }

  @Test
  void aMethodAPathDoesNotTakeIsA405ThatSaysWhichItTakes() {
    Http.Response patch = http.send("PATCH", "/api/runs", "{}", "application/json", Map.of());
    Http.Response put =
        http.send("PUT", "/api/runs/20260101-000000-000-none", "", "text/plain", Map.of());
    Http.Response slash = http.send("PATCH", "/api/runs/", "{}", "application/json", Map.of());
    Http.Response file =
        http.send(
            "DELETE", "/api/runs/20260101-000000-000-none/files/a.txt", "", "text/plain", Map.of());

    assertThat(patch.status()).isEqualTo(405);
    assertThat(patch.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(patch.header("Allow")).isEqualTo("GET, HEAD");
    assertThat(put.status()).isEqualTo(405);
    assertThat(put.header("Allow")).isEqualTo("DELETE, GET, HEAD");
    assertThat(slash.header("Allow")).isEqualTo("GET, HEAD");
    assertThat(file.status()).isEqualTo(405);
    assertThat(file.header("Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void aPathNoRouteServesIsA404WhateverTheMethod() {
    for (String method : List.of("GET", "HEAD", "PATCH", "POST")) {
      Http.Response response = http.send(method, "/nothing/here", null, null, Map.of());
      assertThat(response.status()).as(method).isEqualTo(404);
      assertThat(response.header("Content-Type")).as(method).isEqualTo("application/problem+json");
    }
  }

  /**
   * HEAD answers as GET does, without the body: the status and the type (over HTTP/1.1: Vert.x's
   * HTTP/2 response sends a body to HEAD too); the HEAD of a running run's event stream ends after
   * its headers, instead of holding the connection until the run ends.
   */
  @Test
  void aHeadIsAGetWithoutItsBody() throws Exception {
    String ended = create("/api/jobs/single/runs");
    awaitEnded(http, ended);
    String seconds = String.format("121.%06d", System.nanoTime() % 1_000_000);
    String running = create("/api/jobs/slow/runs?seconds=" + seconds);
    awaitTaskState(http, running, "s0-t0", "RUNNING");
    for (String path :
        List.of(
            "/health",
            "/api/jobs",
            "/api/runs",
            "/api/runs/" + ended,
            "/api/runs/" + ended + "/tasks/s0-t0/log?stream=stdout",
            "/api/runs/20260101-000000-000-none",
            "/")) {
      Http.Response get = http.get(path);
      String head = http.raw(UTF_8, "HEAD " + path);
      assertThat(head).as(path).startsWith("HTTP/1.1 " + get.status() + " ");
      assertThat(head.toLowerCase(Locale.ROOT))
          .as(path)
          .contains("content-type: " + get.header("Content-Type").toLowerCase(Locale.ROOT));
      assertThat(head).as(path).endsWith("\r\n\r\n"); // no body
    }
    // a target in absolute form (RFC 9112 §3.2.2) is routed by its path
    assertThat(http.raw(UTF_8, "HEAD http://localhost/api/jobs?limit=1"))
        .startsWith("HTTP/1.1 200")
        .endsWith("\r\n\r\n");
    String stream = http.raw(UTF_8, "HEAD /api/runs/" + running + "/events");
    assertThat(stream)
        .startsWith("HTTP/1.1 200")
        .contains("text/event-stream")
        .endsWith("\r\n\r\n");
    assertThat(http.post("/api/runs/" + running + "/cancel").status()).isEqualTo(200);
  }

  @Test
  void aPathOrQueryThatCannotBeDecodedOrIsNotUtf8IsA400Problem() throws Exception {
    int before = runsOf("single");
    for (String target :
        List.of(
            "/api/runs/%zz",
            "/api/jobs/single/runs?item=%zz", "/api/jobs/single/runs?item=%FF%FE")) {
      String answer = rawRequest("POST " + target);
      assertThat(answer).as(target).startsWith("HTTP/1.1 400");
      assertThat(problemIn(answer).getInteger("status")).as(target).isEqualTo(400);
    }
    assertThat(runsOf("single")).isEqualTo(before);
  }

  @Test
  void aRequestTheServerCannotReadOrThatIsTooLongIsAProblemToo() throws Exception {
    int before = runsOf("single");
    String longLine = rawRequest("POST /api/jobs/single/runs?item=" + "x".repeat(5_000));
    String bigHeader = rawRequest("POST /api/jobs/single/runs", "X-Big: " + "y".repeat(10_000));

    assertThat(longLine).matches("(?s)HTTP/1\\.[01] 414 .*"); // the server reads no version
    assertThat(problemIn(longLine).getString("detail")).contains("request line is longer");
    assertThat(bigHeader).matches("(?s)HTTP/1\\.[01] 431 .*");
    assertThat(problemIn(bigHeader).getString("detail")).contains("headers are larger");
    String garbled = rawRequest("POST /api/jobs/single/runs", "Bad<script>Name: x");
    assertThat(garbled).matches("(?s)HTTP/1\\.[01] 400 .*");
    assertThat(problemIn(garbled).getString("detail"))
        .as("what the request held is not echoed")
        .isEqualTo("the request cannot be read as HTTP");
    assertThat(runsOf("single")).isEqualTo(before);
  }

  /** The problem+json body of a raw answer. */
  private static JsonObject problemIn(String answer) {
    assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
    return new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void anIdempotencyKeyIsReadAsUtf8() throws Exception {
    String key = "Idempotency-Key: cl\u00e9-\u20ac-" + System.nanoTime();
    String first = rawRequest("POST /api/jobs/single/runs", key);
    String again = rawRequest("POST /api/jobs/single/runs", key);
    int before = runsOf("single");
    String notUtf8 =
        rawRequest(ISO_8859_1, "POST /api/jobs/single/runs", "Idempotency-Key: cl\u00e9");

    assertThat(first).startsWith("HTTP/1.1 201");
    assertThat(again).startsWith("HTTP/1.1 200");
    assertThat(problemIn(notUtf8).getString("detail"))
        .isEqualTo("the Idempotency-Key header is not UTF-8");
    assertThat(runsOf("single")).isEqualTo(before);
  }

  @Test
  void aHeaderInputGivenTwiceIsA400AndCreatesNothing() throws Exception {
    int before = runsOf("secret");
    String answer = rawRequest("POST /api/jobs/secret/runs", "X-Token: one1", "X-Token: two2");

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(answer).contains("header X-Token (input 'token') is given 2 times");
    assertThat(runsOf("secret")).isEqualTo(before);
  }

  private static int runsOf(String job) {
    return http.get("/api/runs?limit=1000&job=" + job).json().getJsonArray("items").size();
  }

  @Test
  void aHeaderInputIsReadAsUtf8AndOneThatIsNotIsA400() throws Exception {
    String secret = "café-" + System.nanoTime();
    String answer = rawRequest(UTF_8, "POST /api/jobs/secret/runs", "X-Token: " + secret);
    assertThat(answer).startsWith("HTTP/1.1 201");
    String id = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4)).getString("id");
    awaitEnded(http, id);
    assertThat(http.get("/api/runs/" + id + "/files/token.txt").body()).isEqualTo(secret + "\n");

    int before = runsOf("secret");
    String latin1 = rawRequest(ISO_8859_1, "POST /api/jobs/secret/runs", "X-Token: caf\u00e9");
    assertThat(latin1).startsWith("HTTP/1.1 400");
    assertThat(latin1).contains("header X-Token (input 'token') is not UTF-8");
    assertThat(runsOf("secret")).isEqualTo(before);
  }

  /**
   * What the node answers to {@code requestLine} with {@code headers}, sent as they are (an HTTP
   * client would refuse them, or send a header once).
   */
  private static String rawRequest(String requestLine, String... headers) throws Exception {
    return rawRequest(UTF_8, requestLine, headers);
  }

  /** The same, the request's text sent in {@code charset}. */
  private static String rawRequest(
      java.nio.charset.Charset charset, String requestLine, String... headers) {
    return http.raw(charset, requestLine, headers);
  }

  @Test
  void jobsAreListedInPagesAndUnknownParametersAre400() {
    JsonObject all = http.get("/api/jobs").json();
    List<String> ids =
        all.getJsonArray("items").stream().map(j -> ((JsonObject) j).getString("id")).toList();
    assertThat(ids).hasSizeGreaterThan(1);
    assertThat(all.containsKey("next")).isTrue();
    assertThat(all.getString("next")).isNull();

    JsonObject first = http.get("/api/jobs?limit=1").json();
    assertThat(first.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(ids.get(0));
    assertThat(first.getString("next")).isEqualTo(ids.get(0));
    JsonObject second = http.get("/api/jobs?limit=1&after=" + first.getString("next")).json();
    assertThat(second.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(ids.get(1));

    assertThat(http.get("/api/jobs?limit=abc").status()).isEqualTo(400);
    assertThat(http.get("/api/jobs?after=no-such-job").status()).isEqualTo(400);
    assertThat(http.get("/api/jobs?foo=1").status()).isEqualTo(400);
  }

  @Test
  void missingAndUnknownInputsAre400AndCreateNothing() {
    int before = http.get("/api/runs?job=secret&limit=1000").json().getJsonArray("items").size();
    Http.Response missing = http.post("/api/jobs/secret/runs");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(missing.json().getJsonArray("missing_inputs")).containsExactly("token");
    Http.Response unknown = http.post("/api/jobs/single/runs?itme=x");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().getJsonArray("unknown_inputs")).containsExactly("itme");
    assertThat(http.get("/api/runs?job=secret&limit=1000").json().getJsonArray("items"))
        .hasSize(before);
    assertThat(http.post("/api/jobs/nope/runs").status()).isEqualTo(404);
    assertThat(http.get("/api/runs/20990101-000000-000-zzzz").status()).isEqualTo(404);
  }

  @Test
  void aBodyAddsInputsAndCanAskNotToStart() {
    Http.Response created =
        http.post(
            "/api/jobs/single/runs",
            new JsonObject()
                .put("inputs", new JsonObject().put("item", "from-body"))
                .put("start", false));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.json().getString("state")).isEqualTo("CREATED");
    assertThat(http.post("/api/runs/" + id + "/start").json().getString("state"))
        .isEqualTo("RUNNING");
    Http.Response again = http.post("/api/runs/" + id + "/start");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("detail")).endsWith(": only a CREATED run can be started");
    assertThatRun(awaitEnded(http, id)).hasInput("item", "from-body");
    assertThat(
            http.send("POST", "/api/jobs/single/runs", "{not json", "application/json", Map.of())
                .status())
        .isEqualTo(400);
    assertThat(http.post("/api/jobs/single/runs", new JsonObject().put("start", "yes")).status())
        .isEqualTo(400);
  }

  @Test
  void numbersInTheBodyReachTheRunAsTheClientWroteThem() {
    for (String number : List.of("1e2", "-0", "1E-7", "9007199254740993", "2.50")) {
      Http.Response created =
          http.send(
              "POST",
              "/api/jobs/single/runs",
              "{\"inputs\": {\"item\": " + number + "}, \"start\": false}",
              "application/json",
              Map.of());

      assertThat(created.status()).isEqualTo(201);
      assertThat(created.json().getJsonObject("inputs").getString("item")).isEqualTo(number);
    }
  }

  @Test
  void anInputGivenBothInTheQueryAndTheBodyIsA400NamingItThatCreatesNothing() {
    int before = http.get("/api/runs?job=single&limit=1000").json().getJsonArray("items").size();

    Http.Response both =
        http.post(
            "/api/jobs/single/runs?item=from-query",
            new JsonObject().put("inputs", new JsonObject().put("item", "from-body")));

    assertThat(both.status()).isEqualTo(400);
    assertThat(both.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(both.json().getString("detail"))
        .isEqualTo("input 'item' is given both as a query parameter and in the body: give it once");
    assertThat(http.get("/api/runs?job=single&limit=1000").json().getJsonArray("items"))
        .hasSize(before);
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String big = "{\"inputs\": {\"item\": \"" + "x".repeat(100_000) + "\"}}";
    Http.Response response =
        http.send("POST", "/api/jobs/single/runs", big, "application/json", Map.of());
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void cancelStopsTheRunningProcessAndDeleteRemovesAnEndedRun() throws Exception {
    // a duration of its own, so that a sleep of another test run on this machine does not count
    String seconds = String.format("120.%06d", System.nanoTime() % 1_000_000);
    String id = create("/api/jobs/slow/runs?seconds=" + seconds);
    awaitTaskState(http, id, "s0-t0", "RUNNING");
    assertThat(http.delete("/api/runs/" + id).status()).isEqualTo(409);

    JsonObject cancelled = http.post("/api/runs/" + id + "/cancel").json();

    assertThatRun(cancelled).hasState("CANCELLED");
    awaitTaskState(http, id, "s0-t0", "CANCELLED");
    assertThat(http.post("/api/runs/" + id + "/cancel").status()).isEqualTo(409);
    assertThat(noProcessRuns("sleep " + seconds)).isTrue();
    assertThat(http.delete("/api/runs/" + id).status()).isEqualTo(204);
    assertThat(http.get("/api/runs/" + id).status()).isEqualTo(404);
    assertThat(data.resolve("runs").resolve(id)).doesNotExist();
  }

  @Test
  void aFailingStageFailsTheRunAndLaterStagesAreSkipped() {
    JsonObject run = awaitEnded(http, create("/api/jobs/failing/runs"));
    assertThatRun(run)
        .hasState("FAILED")
        .hasErrorContaining("stage 0 'fails' failed", "exited with code 3")
        .stage(1)
        .hasState("SKIPPED");
    String id = run.getString("id");
    assertThat(http.get("/api/runs/" + id + "/tasks/s0-t0/log?stream=stderr").body())
        .contains("failing on purpose");
    assertThat(http.get("/api/runs/" + id + "/tasks/s0-t0").json().getInteger("exit_code"))
        .isEqualTo(3);
  }

  @Test
  void aTimeoutKillsTheWholeProcessTree() throws Exception {
    String id = create("/api/jobs/tree/runs");
    assertThatRun(awaitEnded(http, id)).hasState("FAILED");
    assertThat(Runs.task(http, id, "s0-t0").getString("error")).contains("timed out after 1s");
    long child = Long.parseLong(Files.readString(data.resolve("runs/" + id + "/child.pid")).trim());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void aMissingBinaryFailsAtOnceWithTheReason() {
    JsonObject run = awaitEnded(http, create("/api/jobs/missing/runs"));
    assertThatRun(run).hasState("FAILED");
    String error = Runs.task(http, run.getString("id"), "s0-t0").getString("error");
    assertThat(error).contains("definitely-not-installed-flowbus-test").contains("not found");
  }

  @Test
  void aMalformedSpawnFileFailsTheStageSayingWhy() {
    assertThatRun(awaitEnded(http, create("/api/jobs/badspawn/runs")))
        .hasState("FAILED")
        .hasErrorContaining("spawn.json is malformed")
        .stage(0)
        .hasState("FAILED")
        .hasSpawnErrorContaining("spawn.json is malformed");
  }

  @Test
  void aFailedTaskIsRetriedWhenItsClassAsks() {
    JsonObject run = awaitEnded(http, create("/api/jobs/retry/runs"));
    assertThatRun(run).hasState("SUCCEEDED");
    JsonObject task = Runs.task(http, run.getString("id"), "s0-t0");
    assertThat(task.getInteger("attempts")).isEqualTo(2);
    assertThat(task.getJsonArray("history").getJsonObject(0).getString("state"))
        .isEqualTo("FAILED");
    String id = run.getString("id");
    assertThat(http.get("/api/runs/" + id + "/tasks/s0-t0/log?stream=stderr&attempt=1").body())
        .contains("first try fails");
    assertThat(http.get("/api/runs/" + id + "/tasks/s0-t0/log?stream=stdout").body())
        .contains("second try");
  }

  @Test
  void secretsReachTheCommandButNeverAnAnswerLogOrJournal() throws Exception {
    String secret = "s3cr3t-" + System.nanoTime();
    Http.Response created = http.post("/api/jobs/secret/runs", Map.of("X-Token", secret));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThatRun(awaitEnded(http, id)).hasState("SUCCEEDED").hasInput("token", "***");
    assertThat(http.get("/api/runs/" + id + "/files/token.txt").body()).isEqualTo(secret + "\n");
    assertThat(http.get("/api/runs/" + id + "/tasks/s0-t0/log?stream=stdout").body())
        .isEqualTo("token=***\n");
    assertThat(http.get("/api/runs/" + id + "/tasks/s0-t0/log?stream=stderr").body())
        .isEqualTo("token=***\n");
    assertThat(http.get("/api/runs/" + id + "/tasks").body()).doesNotContain(secret);
    assertThat(http.get("/api/runs/" + id + "/events").body()).doesNotContain(secret);
    try (Stream<Path> files = Files.walk(data.resolve("meta").resolve(id))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(file)).as(file.toString()).doesNotContain(secret);
      }
    }
  }

  @Test
  void theEnvironmentOfATaskHasTheRunVariablesAndEnvironmentInputs() throws Exception {
    JsonObject run = awaitEnded(http, create("/api/jobs/env/runs"));
    String id = run.getString("id");
    String env = http.get("/api/runs/" + id + "/files/env.txt").body();
    assertThat(env)
        .contains("FLOWBUS_RUN_ID=" + id)
        .contains("FLOWBUS_RUN_DIR=" + data.resolve("runs").resolve(id))
        .contains("FLOWBUS_STAGE_INDEX=0")
        .contains("FLOWBUS_TASK_INDEX=0");
    assertThat(http.get("/api/runs/" + id + "/files/endpoint.txt").body())
        .isEqualTo("http://default.example\n");
  }

  @Test
  void maxParallelIsHonoured() {
    JsonObject run = awaitEnded(http, create("/api/jobs/limited/runs?count=5"));
    assertThatRun(run).hasState("SUCCEEDED");
    assertThat(http.get("/api/runs/" + run.getString("id") + "/files/overlap.txt").status())
        .isEqualTo(404);
  }

  @Test
  void theEventStreamCarriesEveryChangeUntilTheRunEnds() throws Exception {
    Http.Response created =
        http.post(
            "/api/jobs/fanout/runs",
            new JsonObject().put("inputs", new JsonObject().put("count", 3)).put("start", false));
    String id = created.json().getString("id");
    // the run starts once the stream's first event (its snapshot) has come, so that every change
    // comes after it
    java.util.concurrent.CountDownLatch snapshot = new java.util.concurrent.CountDownLatch(1);
    var streamed =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> http.events("/api/runs/" + id + "/events", snapshot::countDown));
    assertThat(snapshot.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    await().until(() -> http.post("/api/runs/" + id + "/start").status() == 200);

    List<JsonObject> events = streamed.join();

    assertThat(events.get(0).getString("type")).isEqualTo("run");
    JsonObject last = events.get(events.size() - 1);
    assertThat(last.getString("type")).isEqualTo("run");
    assertThatRun(last.getJsonObject("data")).hasState("SUCCEEDED");
    List<String> taskStates =
        events.stream()
            .filter(
                e ->
                    e.getString("type").equals("task")
                        && e.getJsonObject("data").getString("id").equals("s0-t1"))
            .map(e -> e.getJsonObject("data").getString("state"))
            .toList();
    assertThat(taskStates).containsExactly("RUNNING", "SUCCEEDED");
    assertThat(events).anyMatch(e -> e.getString("type").equals("stage"));
  }

  @Test
  void aSpawnTaskThatWritesNothingFailsItsStageEvenIfAnEarlierStageLeftASpawnFile() {
    assertThatRun(awaitEnded(http, create("/api/jobs/twospawns/runs")))
        .hasState("FAILED")
        .stage(0)
        .hasState("SUCCEEDED")
        .and()
        .stage(1)
        .hasSpawnErrorContaining("spawn.json is missing");
  }

  @Test
  void aSecretInTheCommandLineIsMaskedInTheErrorToo() throws Exception {
    String secret = "tok-" + System.nanoTime();
    Http.Response created =
        http.post("/api/jobs/secret-in-command/runs", Map.of("X-Token", secret));
    String id = created.json().getString("id");
    JsonObject run = awaitEnded(http, id);
    assertThatRun(run).hasState("FAILED");
    String task = http.get("/api/runs/" + id + "/tasks/s0-t0").body();
    assertThat(task).contains("/opt/***").doesNotContain(secret);
    assertThat(run.encode()).doesNotContain(secret);
    assertThat(Files.readString(data.resolve("meta").resolve(id).resolve("journal.jsonl")))
        .doesNotContain(secret);
  }

  @Test
  void anEmptyQueryParameterIsTheEmptyString() {
    assertThatRun(awaitEnded(http, create("/api/jobs/single/runs?item="))).hasInput("item", "");
  }

  @Test
  void theEventStreamOfACancelledRunEndsWithTheRun() {
    String id =
        http.post("/api/jobs/single/runs", new JsonObject().put("start", false))
            .json()
            .getString("id");
    var streamed =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> http.events("/api/runs/" + id + "/events"));
    await().until(() -> http.post("/api/runs/" + id + "/cancel").status() == 200);

    List<JsonObject> events = streamed.join();

    JsonObject last = events.get(events.size() - 1);
    assertThat(last.getString("type")).isEqualTo("run");
    assertThatRun(last.getJsonObject("data")).hasState("CANCELLED");
  }

  @Test
  void definitionsArriveIntactWhateverContentTypeCurlDeclares() {
    String current = http.get("/api/definitions").body();
    String next = current + "\n# 100%zz sure\n";
    Http.Response replaced =
        http.put("/api/definitions", next, "application/x-www-form-urlencoded");
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(http.get("/api/definitions").body()).isEqualTo(next);
    Http.Response invalid = http.put("/api/definitions", "tasks: [", "application/yaml");
    assertThat(invalid.json().getJsonArray("errors").getJsonObject(0).getString("file"))
        .isEqualTo("PUT /api/definitions");
  }

  @Test
  void filesCannotBeReadOutsideTheWorkspace() {
    String id = create("/api/jobs/single/runs");
    awaitEnded(http, id);
    assertThat(
            http.get("/api/runs/" + id + "/files/..%2F..%2Fmeta%2F" + id + "%2Fjournal.jsonl")
                .status())
        .isEqualTo(400);
    assertThat(http.get("/api/runs/" + id + "/files/%2Fetc%2Fpasswd").status()).isEqualTo(400);
    assertThat(http.get("/api/runs/" + id + "/files/nothing-here.txt").status()).isEqualTo(404);
    assertThat(http.get("/api/runs/" + id + "/files/out").status()).isEqualTo(404);
  }

  @Test
  void theClusterEndpointShowsThisNodeAsLeaderWithItsSlots() {
    JsonObject cluster = http.get("/api/cluster").json();
    assertThat(cluster.getString("self")).isEqualTo(node.nodeId());
    assertThat(cluster.getString("leader")).isEqualTo(node.nodeId());
    JsonObject self = cluster.getJsonArray("nodes").getJsonObject(0);
    assertThat(self.getInteger("slots")).isEqualTo(4);
    assertThat(self.getJsonArray("roles")).containsExactly("controller", "worker");
  }

  @Test
  void definitionsAreReplacedAllOrNothing() {
    String before = http.get("/api/definitions").body();
    Http.Response invalid =
        http.put(
            "/api/definitions",
            "tasks:\n  a: {exec_command: a}\njobs:\n  j:\n    stages: [{name: s, task_class: nope}]\n",
            "application/yaml");
    assertThat(invalid.status()).isEqualTo(400);
    JsonObject error = invalid.json().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("path")).isEqualTo("jobs.j.stages[0].task_class");
    assertThat(error.getInteger("line")).isEqualTo(5);
    assertThat(http.get("/api/definitions").body()).isEqualTo(before);

    String next = before + "\n# a comment changes the version\n";
    Http.Response replaced = http.put("/api/definitions", next, "application/yaml");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.json().getJsonArray("jobs")).contains("single");
    assertThat(http.get("/api/definitions").body()).isEqualTo(next);
  }

  private static boolean noProcessRuns(String commandLine) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ProcessHandle.allProcesses()
                    .noneMatch(
                        p ->
                            p.info().commandLine().map(c -> c.contains(commandLine)).orElse(false)),
            ok -> ok);
  }
}
