package io.flowbus.cluster;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;

import io.flowbus.Node;
import io.flowbus.config.Role;
import io.flowbus.testing.DefinitionsBuilder;
import io.flowbus.testing.Http;
import io.flowbus.testing.JobBuilder;
import io.flowbus.testing.TaskClassBuilder;
import io.flowbus.testing.TestCluster;
import io.flowbus.testing.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three controllers: definitions put on one are in force on the other two as soon as the PUT has
 * answered, without waiting.
 */
class DefinitionsReplaceIT {
  private static final int ROUNDS = 8;
  @TempDir static Path data;
  static TestCluster cluster;
  static List<Http> nodes;

  @BeforeAll
  static void start() throws Exception {
    Path file = data.resolve("defs.yaml");
    Files.writeString(file, definitions(null));
    cluster = new TestCluster(file, data.resolve("data"));
    Set<Role> both = Set.of(Role.CONTROLLER, Role.WORKER);
    Node first = cluster.start(both, 2);
    cluster.start(both, 2);
    cluster.start(both, 2);
    cluster.awaitFormed(first, 3);
    nodes = cluster.nodes().stream().map(TestNodes::http).toList();
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aJobPutOnOneNodeIsTriggeredOnAnotherAndListedOnTheThirdAtOnce() {
    for (int round = 1; round <= ROUNDS; round++) {
      Http putOn = nodes.get(round % 3);
      Http triggerOn = nodes.get((round + 1) % 3);
      Http listOn = nodes.get((round + 2) % 3);
      String job = "added-" + round;
      String secret = "secret-of-round-" + round;

      Http.Response put = putOn.put("/api/definitions", definitions(job), "application/yaml");
      Http.Response created =
          triggerOn.post("/api/jobs/" + job + "/runs", Map.of("X-Token", secret));
      JsonObject jobs = listOn.get("/api/jobs/" + job).json();

      assertThat(put.status()).as(put.body()).isEqualTo(200);
      assertThat(created.status()).as("round %d: %s", round, created.body()).isEqualTo(201);
      assertThat(created.json().getJsonObject("inputs").getString("token")).isEqualTo("***");
      assertThat(jobs.getJsonObject("inputs").getJsonObject("token").getString("key"))
          .as("round %d", round)
          .isEqualTo("X-Token");
      String id = created.json().getString("id");
      assertThatRun(awaitEnded(listOn, id)).hasState("SUCCEEDED");
      assertThat(data.resolve("data/runs").resolve(id).resolve("token.txt")).hasContent(secret);
    }
  }

  @Test
  void twoReplacementsAtOnceOnTwoNodesLeaveEveryNodeWithTheSameOne() {
    for (int round = 1; round <= 3; round++) {
      String one = definitions("racing-a-" + round);
      String other = definitions("racing-b-" + round);
      CompletableFuture<Http.Response> first =
          CompletableFuture.supplyAsync(
              () -> nodes.get(0).put("/api/definitions", one, "application/yaml"));
      Http.Response second = nodes.get(1).put("/api/definitions", other, "application/yaml");

      assertThat(first.join().status()).as(first.join().body()).isEqualTo(200);
      assertThat(second.status()).as(second.body()).isEqualTo(200);
      List<String> held = nodes.stream().map(n -> n.get("/api/definitions").body()).toList();
      assertThat(held).as("round %d", round).containsOnly(held.get(0));
      assertThat(held.get(0)).isIn(one, other);
    }
  }

  @Test
  void aReplacementThatNoNodeWasToldOfIsInForceEverywhereWithinARefresh() throws Exception {
    long generation = await(theMap().get(DefinitionsStore.KEY)).getLong("generation");
    // as if every node missed the message of the PUT that put it there
    putInTheMap(generation + 1, definitions("told-no-one"));

    for (Http node : nodes) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> node.get("/api/jobs/told-no-one").status() == 200);
    }
  }

  @Test
  void anEarlierEntryLeftInTheMapByAMergeIsTakenByEveryNode() throws Exception {
    String text = definitions("kept-by-the-merge");
    // as a merge of a split cluster may leave it: the other side's entry, of an earlier generation
    putInTheMap(0, text);

    for (Http node : nodes) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> node.get("/api/jobs/kept-by-the-merge").status() == 200);
    }
  }

  /** The cluster map that holds the definitions in force. */
  private static AsyncMap<String, JsonObject> theMap() throws Exception {
    return await(cluster.nodes().get(0).vertx().sharedData().getAsyncMap(DefinitionsStore.MAP));
  }

  private static void putInTheMap(long generation, String text) throws Exception {
    await(
        theMap()
            .put(
                DefinitionsStore.KEY,
                new JsonObject()
                    .put("generation", generation)
                    .put("version", DefinitionsEntry.versionOf(text))
                    .put("text", text)));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The base job, and {@code job} (unless null) that reads header X-Token. */
  private static String definitions(String job) {
    DefinitionsBuilder defs =
        DefinitionsBuilder.aDefinitions()
            .task(TaskClassBuilder.aTask("quick").command("true"))
            .job(JobBuilder.aJob("quick").stage("one", "quick"));
    if (job != null) {
      defs.task(
              TaskClassBuilder.aTask("keep-token")
                  .shell("printf %s \"$1\" > token.txt", "{token}")
                  .header("token", "X-Token"))
          .job(JobBuilder.aJob(job).header("token", "X-Token").stage("s", "keep-token"));
    }
    return defs.yaml();
  }
}
