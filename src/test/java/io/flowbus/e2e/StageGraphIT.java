package io.flowbus.e2e;

import static io.flowbus.testing.DefinitionsBuilder.aDefinitions;
import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.JobBuilder.aJob;
import static io.flowbus.testing.Runs.awaitEnded;
import static io.flowbus.testing.TaskClassBuilder.aTask;

import io.flowbus.testing.DefinitionsBuilder;
import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.JournalEvents;
import io.flowbus.testing.Runs;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage graph and failure tolerance on the jar a user runs. */
class StageGraphIT {
  /**
   * {@code dag}: {@code left} and {@code right} depend on nothing, {@code join} on both. Each of
   * left and right writes its marker and then waits (at most 60 s) for the other's: they succeed
   * only if they ran at the same time. {@code tolerant}: 100 entries, the first {@code fails} of
   * them fail; 5% are tolerated; {@code after} depends on the fan-out, {@code beside} on nothing.
   */
  private static DefinitionsBuilder jobs() {
    String meet =
        "touch \"$1.started\"; i=0; while [ ! -e \"$2.started\" ]; do"
            + " i=$((i+1)); [ $i -gt 600 ] && { echo \"$2 never ran beside $1\" >&2; exit 1; };"
            + " sleep 0.1; done; echo \"$1 met $2\"";
    return aDefinitions()
        .task(aTask("left").shell(meet, "left", "right"))
        .task(aTask("right").shell(meet, "right", "left"))
        .task(aTask("join").shell("ls left.started right.started > joined.txt"))
        .task(
            aTask("gen")
                .shell(
                    "i=0; printf '[' > spawn.json; while [ $i -lt 100 ]; do"
                        + " [ $i -gt 0 ] && printf ',' >> spawn.json;"
                        + " printf '{\"n\": \"%s\"}' $i >> spawn.json; i=$((i+1)); done;"
                        + " printf ']' >> spawn.json"))
        .task(
            aTask("maybe-fail")
                .shell(
                    "if [ \"$1\" -lt \"$2\" ]; then echo \"entry $1 fails\" >&2; exit 3; fi",
                    "{n}",
                    "{fails}",
                    "{token}")
                .parameter("n")
                .parameter("fails")
                .header("token", "X-Token"))
        .task(aTask("done").shell("echo done"))
        .job(
            aJob("dag")
                .stage("left", "left")
                .withStage("depends_on", List.of())
                .stage("right", "right")
                .withStage("depends_on", List.of())
                .stage("join", "join")
                .withStage("depends_on", List.of("left", "right")))
        .job(
            aJob("tolerant")
                .parameter("fails")
                .header("token", "X-Token")
                .spawnStage("fan", "gen", "maybe-fail")
                .withStage("tolerated_failures", "5%")
                .withStage("max_parallel", 3)
                .stage("after", "done")
                .withStage("depends_on", List.of("fan"))
                .stage("beside", "done")
                .withStage("depends_on", List.of()));
  }

  @TempDir static Path work;
  static List<String> args;
  static JarNode node;
  static Http http;

  @BeforeAll
  static void start() {
    Path definitions = jobs().writeTo(work.resolve("jobs.yaml"));
    args =
        List.of(
            "--config",
            definitions.toString(),
            "--data-dir",
            work.resolve("data").toString(),
            "--cluster-name",
            TestNodes.uniqueClusterName(),
            "--slots",
            "4");
    node = JarNode.start(work, TestNodes.freePort(), args, Map.of()).awaitReady();
    http = node.http();
  }

  @AfterAll
  static void stop() {
    node.terminate();
    node.waitFor(Duration.ofSeconds(60));
  }

  @Test
  void independentStagesRunAtTheSameTimeAndAJoinWaitsForBoth() {
    String id = Runs.create(http, "/api/jobs/dag/runs");

    JsonObject run = awaitEnded(http, id);

    assertThatRun(run).hasState("SUCCEEDED");
    JsonObject left = Runs.task(http, id, "s0-t0");
    JsonObject right = Runs.task(http, id, "s1-t0");
    JsonObject join = Runs.task(http, id, "s2-t0");
    // each waited for the other's marker, and their recorded times overlap
    assertThat(time(left, "started_at")).isBefore(time(right, "ended_at"));
    assertThat(time(right, "started_at")).isBefore(time(left, "ended_at"));
    assertThat(time(join, "started_at"))
        .isAfterOrEqualTo(time(left, "ended_at"))
        .isAfterOrEqualTo(time(right, "ended_at"));
    assertThat(run.getJsonArray("stages").getJsonObject(2).getJsonArray("depends_on"))
        .containsExactly("left", "right");
    assertThat(http.get("/api/runs/" + id + "/files/joined.txt").body())
        .isEqualTo("left.started\nright.started\n");
  }

  @Test
  void failuresWithinTheToleranceLetTheRunSucceedAndAreListed() {
    String id = create(3);

    JsonObject run = awaitEnded(http, id);

    assertThatRun(run).hasState("SUCCEEDED");
    JsonObject fan = run.getJsonArray("stages").getJsonObject(0);
    assertThat(fan.getString("state")).isEqualTo("SUCCEEDED");
    assertThat(fan.getJsonObject("tasks").getInteger("failed")).isEqualTo(3);
    assertThat(fan.getJsonObject("tasks").getInteger("succeeded")).isEqualTo(97);
    List<JsonObject> failures = allFailures(id);
    assertThat(failures)
        .extracting(f -> f.getString("task"))
        .containsExactly("s0-t0", "s0-t1", "s0-t2");
    for (JsonObject failure : failures) {
      assertThat(failure.getInteger("stage")).isZero();
      assertThat(failure.getInteger("exit_code")).isEqualTo(3);
      assertThat(failure.getString("error")).contains("3");
      JsonObject inputs = failure.getJsonObject("inputs");
      assertThat(inputs.getString("n")).isEqualTo(String.valueOf(failure.getInteger("index")));
      assertThat(inputs.getString("fails")).isEqualTo("3");
      assertThat(inputs.getString("token")).isEqualTo("***");
    }
    assertThat(http.get("/api/runs/" + id + "/failures?limit=2").json().getString("next"))
        .isEqualTo("s0-t1");
  }

  @Test
  void oneFailureMoreFailsTheRunAndSkipsTheStageThatDependsOnTheFanOut() throws Exception {
    String id = create(6);

    JsonObject run = awaitEnded(http, id);

    assertThatRun(run).hasState("FAILED");
    JsonArray stages = run.getJsonArray("stages");
    assertThat(stages.getJsonObject(0).getString("state")).isEqualTo("FAILED");
    assertThat(stages.getJsonObject(0).getString("error"))
        .contains("more than the 5 tolerated (tolerated_failures: 5%)");
    assertThat(stages.getJsonObject(1).getString("state")).isEqualTo("SKIPPED");
    assertThat(stages.getJsonObject(1).getString("error"))
        .isEqualTo("stage 0 'fan' did not succeed");
    assertThat(stages.getJsonObject(2).getString("state"))
        .as("a stage that depends on nothing still runs")
        .isEqualTo("SUCCEEDED");
    assertThat(run.getString("error")).startsWith("stage 0 'fan' failed");
    assertThat(allFailures(id)).hasSizeGreaterThanOrEqualTo(6);
    assertThat(JournalEvents.of(work.resolve("data"), id))
        .anySatisfy(
            e -> {
              assertThat(e.getString("type")).isEqualTo("stage_skipped");
              assertThat(e.getInteger("stage")).isEqualTo(1);
            });
    assertThat(http.get("/api/runs/" + id + "/failures?limit=0").status()).isEqualTo(400);
  }

  private static String create(int fails) {
    Http.Response created =
        http.post("/api/jobs/tolerant/runs?fails=" + fails, Map.of("X-Token", "tok-s3cret-value"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().getString("id");
  }

  private static List<JsonObject> allFailures(String id) {
    List<JsonObject> all = new ArrayList<>();
    String after = null;
    do {
      Http.Response page =
          http.get(
              "/api/runs/" + id + "/failures?limit=50" + (after == null ? "" : "&after=" + after));
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      assertThat(page.body()).doesNotContain("s3cret");
      page.json().getJsonArray("items").forEach(o -> all.add((JsonObject) o));
      after = page.json().getString("next");
    } while (after != null);
    return all;
  }

  private static Instant time(JsonObject task, String field) {
    return Instant.parse(task.getString(field));
  }
}
