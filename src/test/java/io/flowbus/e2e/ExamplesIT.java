package io.flowbus.e2e;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.ReadmeCommands;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both examples through REST on the jar a user runs, started as the README says. */
class ExamplesIT {
  @TempDir static Path work;
  static JarNode node;
  static Http http;

  @BeforeAll
  static void start() {
    int port = TestNodes.freePort();
    node =
        JarNode.start(
                work,
                port,
                List.of(
                    "--config",
                    JarNode.pathOf(Path.of("example/task_job_config.yaml")),
                    "--data-dir",
                    JarNode.pathOf(work.resolve("data")),
                    "--cluster-name",
                    TestNodes.uniqueClusterName()),
                Map.of())
            .awaitReady();
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.terminate();
    assertThat(node.waitFor(Duration.ofSeconds(60))).isNotEqualTo(137);
  }

  @Test
  void theSeedsRequestDataJobRunsWithTheAuthorizationHeaderAsASecret() {
    Http.Response created =
        http.post(
            "/api/jobs/request-data/runs?data_id=42",
            Map.of("Authorization", "Basic dXNlcjpwYXNz"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().getString("id");

    JsonObject run = awaitEnded(http, id);

    // data id 42: (42 mod 5) + 2 = 4 files to download
    assertThatRun(run)
        .hasState("SUCCEEDED")
        .hasInput("basic_auth", "***")
        .stage(1)
        .hasCounts(Map.of("succeeded", 4));
    assertThat(http.get("/api/runs/" + id + "/files/downloaded_files/part-4.csv").body())
        .startsWith("# downloaded from https://data.example.com/42/part-4.csv");
    String debug = http.get("/api/runs/" + id + "/tasks/s1-t0/log?stream=stderr").body();
    assertThat(debug).contains("Authorization: ***").doesNotContain("dXNlcjpwYXNz");
  }

  @Test
  void theRequestDataJobNeedsItsInputs() {
    Http.Response refused = http.post("/api/jobs/request-data/runs");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().getJsonArray("missing_inputs"))
        .containsExactly("data_id", "basic_auth");
  }

  @Test
  void theWordCountMatchesACountOfTheWholeBook() throws Exception {
    String id = http.post("/api/jobs/word-count/runs?lines_per_section=25").json().getString("id");

    JsonObject run = awaitEnded(http, id);

    assertThatRun(run).hasState("SUCCEEDED");
    Map<String, Long> expected = countWords(Files.readString(Path.of("example/books/alice.txt")));
    assertThat(http.get("/api/runs/" + id + "/files/result/summary.txt").body())
        .isEqualTo(
            "total_words="
                + expected.values().stream().mapToLong(Long::longValue).sum()
                + "\ndistinct_words="
                + expected.size()
                + "\n");
    Map<String, Long> counted = new TreeMap<>();
    for (String line :
        http.get("/api/runs/" + id + "/files/result/word_counts.tsv").body().split("\n")) {
      String[] parts = line.split("\t");
      counted.put(parts[0], Long.parseLong(parts[1]));
    }
    assertThat(counted).isEqualTo(expected);
    int sections =
        run.getJsonArray("stages").getJsonObject(0).getJsonObject("tasks").getInteger("total");
    assertThat(sections)
        .isEqualTo(
            (int) Math.ceil(Files.readAllLines(Path.of("example/books/alice.txt")).size() / 25.0));
  }

  @Test
  void theWordCountStoresTheTitleBesideTheCounting() throws Exception {
    String id = http.post("/api/jobs/word-count/runs").json().getString("id");

    JsonObject run = awaitEnded(http, id);

    assertThatRun(run).hasState("SUCCEEDED");
    var stages = run.getJsonArray("stages");
    JsonObject count = stages.getJsonObject(0);
    JsonObject title = stages.getJsonObject(1);
    JsonObject sum = stages.getJsonObject(2);
    assertThat(title.getString("name")).isEqualTo("Store Title");
    assertThat(title.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(title.getJsonArray("depends_on")).isEmpty();
    assertThat(count.getJsonArray("depends_on")).isEmpty();
    assertThat(sum.getJsonArray("depends_on")).containsExactly("Count Sections");
    // neither waited for the other: the title started before the counting ended
    assertThat(java.time.Instant.parse(title.getString("started_at")))
        .isBefore(java.time.Instant.parse(count.getString("ended_at")));
    String firstLine = Files.readAllLines(Path.of("example/books/alice.txt")).get(0);
    assertThat(http.get("/api/runs/" + id + "/files/result/title.txt").body())
        .isEqualTo(firstLine + "\n");
  }

  @Test
  void theReadmesIdempotentTriggerAndWaitAnswerAsTheReadmeSays() {
    List<ReadmeCommands.Command> commands =
        ReadmeCommands.under("Triggering from a script: `Idempotency-Key` and `?wait=`");
    ReadmeCommands.Command trigger = commands.get(0);
    ReadmeCommands.Command triggerAndWait = commands.get(1);

    String first = trigger.runAgainst(node.port(), Map.of()).stdout();
    String again = trigger.runAgainst(node.port(), Map.of()).stdout();
    ReadmeCommands.Ran waited = triggerAndWait.runAgainst(node.port(), Map.of());

    assertThat(first).startsWith("HTTP/1.1 201 Created");
    assertThat(again).startsWith("HTTP/1.1 200 OK");
    // the same key, so the same run: once it has ended, as the README's comment says
    assertThat(waited.fieldValue()).as(waited.stdout()).isEqualTo("SUCCEEDED");
    assertThat(waited.stdout()).contains(locationOf(first).replace("/api/runs/", ""));
  }

  private static String locationOf(String answer) {
    return answer
        .lines()
        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("location:"))
        .map(l -> l.substring("location:".length()).strip())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Location in " + answer));
  }

  /** The rule the example's scripts follow: lower-case ASCII letters, runs of a-z are words. */
  private static Map<String, Long> countWords(String text) {
    return java.util.Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^a-z]+"))
        .filter(w -> !w.isEmpty())
        .collect(Collectors.groupingBy(w -> w, TreeMap::new, Collectors.counting()));
  }
}
