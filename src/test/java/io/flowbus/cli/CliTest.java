package io.flowbus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.CliRunner;
import io.flowbus.testing.FakeApi;
import io.flowbus.testing.FakeApi.Answer;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Arguments, exit codes and what the commands send and show, against a stand-in API. */
class CliTest {
  private static final String RUN =
      "{\"id\":\"r1\",\"job\":\"word-count\",\"state\":\"SUCCEEDED\","
          + "\"created_at\":\"2026-11-26T10:00:00Z\",\"started_at\":\"2026-11-26T10:00:00Z\","
          + "\"ended_at\":\"2026-11-26T10:00:12Z\",\"error\":null,\"stages\":[{\"index\":0,"
          + "\"name\":\"Count\",\"state\":\"SUCCEEDED\",\"tasks\":{\"total\":4,\"pending\":0,"
          + "\"running\":0,\"succeeded\":3,\"failed\":1,\"cancelled\":0,\"skipped\":0}}]}";

  private final CliRunner cli = new CliRunner();

  @Test
  void withoutACommandTheArgumentsStartANode() {
    assertThat(cli.execute("--port", "8081", "--roles", "worker")).isZero();
    assertThat(cli.execute()).isZero();
    assertThat(cli.execute("node", "--help")).isZero();

    assertThat(cli.nodeStarts())
        .containsExactly(
            List.of("--port", "8081", "--roles", "worker"), List.of(), List.of("--help"));
  }

  @Test
  void helpListsEveryCommandAndTheExitCodes() {
    assertThat(cli.execute("help")).isZero();

    assertThat(cli.out())
        .contains("node", "validate", "run", "runs", "status", "logs")
        .contains("cancel", "pause", "resume", "retry")
        .contains("3", "the server refused the request");
    assertThat(cli.nodeStarts()).isEmpty();
  }

  @Test
  void badUsageExits2WithTheReason() {
    assertThat(cli.execute("run")).isEqualTo(2);
    assertThat(cli.err()).contains("Missing required parameter: 'JOB'");

    assertThat(cli.execute("runs", "--bogus")).isEqualTo(2);
    assertThat(cli.err()).contains("Unknown option: '--bogus'");

    assertThat(cli.execute("run", "word-count", "-p", "lines_per_section")).isEqualTo(2);
    assertThat(cli.err()).contains("-p takes NAME=VALUE, not 'lines_per_section'");

    assertThat(cli.execute("run", "word-count", "-p", "a=1", "-p", "a=2")).isEqualTo(2);
    assertThat(cli.err()).contains("-p gives the input 'a' twice");

    assertThat(cli.execute("run", "word-count", "-H", "Authorization Basic eA==")).isEqualTo(2);
    assertThat(cli.err()).contains("-H takes 'NAME: VALUE'").doesNotContain("eA==");

    // the JDK's HTTP client would send 'caf?' unasked
    assertThat(
            cli.execute(
                "run", "word-count", "-H", "Authorization: café", "--server", "http://127.0.0.1:1"))
        .isEqualTo(2);
    assertThat(cli.err()).contains("sends ASCII header values only").doesNotContain("café");

    assertThat(cli.execute("status", "r1", "--server", "localhost:8080")).isEqualTo(2);
    assertThat(cli.err()).contains("must be an http:// or https:// URL");
  }

  @Test
  void anUnreachableServerIsOneLineNamingIt() {
    int port = TestNodes.freePort();

    int code = cli.execute("runs", "--server", "http://127.0.0.1:" + port);

    assertThat(code).isEqualTo(3);
    assertThat(cli.err().strip())
        .isEqualTo(
            "flowbus: cannot reach the flowbus server at http://127.0.0.1:"
                + port
                + " (connection refused): is a node running there? Set --server or"
                + " FLOWBUS_SERVER");
  }

  @Test
  void aProblemIsShownByItsTitleAndDetailNotAsJson() {
    try (FakeApi api = new FakeApi()) {
      api.on("POST", "/api/runs/r1/resume", Answer.problem(409, "Conflict", "run r1 is RUNNING"));

      int code = cli.execute("resume", "r1", "--server", api.url());

      assertThat(code).isEqualTo(3);
      assertThat(cli.err().strip()).isEqualTo("flowbus: Conflict: run r1 is RUNNING (409)");
    }
  }

  @Test
  void serverAndKeyComeFromTheEnvironmentUnlessFlagsGiveThem() {
    try (FakeApi api = new FakeApi()) {
      api.on("GET", "/api/runs/r1", Answer.json(200, RUN));
      CliRunner withEnvironment =
          new CliRunner(Map.of("FLOWBUS_SERVER", api.url(), "FLOWBUS_API_KEY", "k-env"));

      assertThat(withEnvironment.execute("status", "r1")).isZero();
      assertThat(withEnvironment.execute("status", "r1", "--api-key", "k-flag")).isZero();
      assertThat(cli.execute("status", "r1", "--server", api.url())).isZero();

      assertThat(api.requests())
          .extracting(r -> r.header("X-API-Key"))
          .containsExactly("k-env", "k-flag", null);
    }
  }

  @Test
  void runSendsInputsAndHeadersAndPrintsTheIdFromLocation() {
    try (FakeApi api = new FakeApi()) {
      api.on(
          "POST",
          "/api/jobs/word-count/runs",
          Answer.json(201, "{\"id\":\"r7\",\"state\":\"RUNNING\"}")
              .withHeader("Location", "/api/runs/r7"));

      int code =
          cli.execute(
              "run",
              "word-count",
              "-p",
              "lines_per_section=10",
              "-p",
              "book=a=b.txt",
              "-H",
              "Authorization: Basic eA==",
              "--server",
              api.url());

      assertThat(code).isZero();
      assertThat(cli.out()).isEqualTo("r7\n");
      FakeApi.Request sent = api.requests().get(0);
      assertThat(new JsonObject(sent.body()))
          .isEqualTo(
              new JsonObject()
                  .put(
                      "inputs",
                      new JsonObject().put("lines_per_section", "10").put("book", "a=b.txt")));
      assertThat(sent.header("Authorization")).isEqualTo("Basic eA==");
    }
  }

  @Test
  void runsPrintsATableAndPassesTheFilters() {
    try (FakeApi api = new FakeApi()) {
      api.on("GET", "/api/runs", Answer.json(200, "{\"items\":[" + RUN + "],\"next\":\"c2\"}"));

      int code =
          cli.execute("runs", "--job", "word-count", "--state", "failed", "--server", api.url());

      assertThat(code).isZero();
      assertThat(api.requests().get(0).uri())
          .isEqualTo("/api/runs?limit=20&job=word-count&state=FAILED");
      assertThat(cli.out().lines().toList())
          .containsExactly(
              "ID  JOB         STATE      CREATED               DURATION",
              "r1  word-count  SUCCEEDED  2026-11-26T10:00:00Z  0:12");
      // the next page is asked for with the same filters
      assertThat(cli.err())
          .contains(
              "more: flowbus runs --server "
                  + api.url()
                  + " --job word-count --state FAILED --after c2");
    }
  }

  @Test
  void statusShowsTheStagesWithTheirCounts() {
    try (FakeApi api = new FakeApi()) {
      api.on("GET", "/api/runs/r1", Answer.json(200, RUN));

      assertThat(cli.execute("status", "r1", "--server", api.url())).isZero();

      assertThat(cli.out())
          .contains("state    SUCCEEDED")
          .contains("duration 0:12")
          .contains("STAGE  NAME   STATE      DONE  TOTAL  FAILED  RUNNING")
          .contains("0      Count  SUCCEEDED  4     4      1       0");
    }
  }

  @Test
  void idsAreSentAsOneEncodedPathSegment() {
    try (FakeApi api = new FakeApi()) {
      api.on("GET", "/api/runs/a b/c?d", Answer.json(200, RUN));

      assertThat(cli.execute("status", "a b/c?d", "--server", api.url())).isZero();
      assertThat(cli.execute("logs", "a b", "t/1", "--server", api.url())).isEqualTo(3);

      assertThat(api.requests().get(0).uri()).isEqualTo("/api/runs/a%20b%2Fc%3Fd");
      assertThat(api.requests().get(1).uri())
          .isEqualTo("/api/runs/a%20b/tasks/t%2F1/log?stream=stdout");
      assertThat(cli.err()).doesNotContain("Exception");
    }
  }

  @Test
  void logsPrintsTheTaskOutputAsWritten() {
    try (FakeApi api = new FakeApi()) {
      api.on(
          "GET",
          "/api/runs/r1/tasks/s0-t1/log",
          new Answer(200, "text/plain", "line 1\n<b>2</b>\n", Map.of()));

      assertThat(cli.execute("logs", "r1", "s0-t1", "--stderr", "--server", api.url())).isZero();

      assertThat(cli.out()).isEqualTo("line 1\n<b>2</b>\n");
      assertThat(api.requests().get(0).uri())
          .isEqualTo("/api/runs/r1/tasks/s0-t1/log?stream=stderr");
    }
  }

  @Test
  void actionsPostAndPrintTheState() {
    try (FakeApi api = new FakeApi()) {
      for (String action : List.of("cancel", "pause", "resume", "retry")) {
        api.on(
            "POST", "/api/runs/r1/" + action, Answer.json(200, "{\"state\":\"X-" + action + "\"}"));

        assertThat(cli.execute(action, "r1", "--server", api.url())).isZero();

        assertThat(cli.out()).isEqualTo("run r1: X-" + action + "\n");
      }
    }
  }

  @Test
  void followExitsByHowTheRunEnded() {
    try (FakeApi api = new FakeApi()) {
      String failed = RUN.replace("\"SUCCEEDED\",\"created", "\"FAILED\",\"created");
      api.on(
          "GET",
          "/api/runs/r1/events",
          new Answer(200, "text/event-stream", "event: run\ndata: " + failed + "\n\n", Map.of()));
      api.on("GET", "/api/runs/r1", Answer.json(200, failed));

      assertThat(cli.execute("status", "r1", "--follow", "--server", api.url())).isEqualTo(1);
      assertThat(cli.out()).contains("run r1 FAILED after 0:12");

      api.on("GET", "/api/runs/r1", Answer.json(200, RUN));
      assertThat(cli.execute("status", "r1", "--follow", "--server", api.url())).isZero();
      assertThat(cli.out()).contains("run r1 SUCCEEDED after 0:12");
    }
  }
}
