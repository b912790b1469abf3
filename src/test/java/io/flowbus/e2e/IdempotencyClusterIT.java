package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarCluster;
import io.flowbus.testing.JarNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotency keys on a cluster: two requests with one key racing on two nodes create one run; the
 * key still answers that run after the orchestrator is killed and after the whole cluster restarts.
 */
class IdempotencyClusterIT {
  private static final Path JOBS =
      Path.of("src/test/resources/it/cluster_jobs.yaml").toAbsolutePath();
  private static final int KEYS = 20;

  @TempDir Path work;

  @Test
  void racingRequestsOnTwoNodesCreateOneRunPerKeyThatSurvivesFailoverAndRestart() throws Exception {
    Map<String, String> runOfKey = new HashMap<>();
    try (JarCluster cluster = new JarCluster(work, JOBS)) {
      JarNode first = cluster.startOne("controller,worker");
      JarNode second = cluster.startOne("controller,worker");
      cluster.awaitFormed(second, 2);

      ExecutorService clients = Executors.newFixedThreadPool(2);
      try {
        for (int i = 0; i < KEYS; i++) {
          String key = "race-" + i;
          var onFirst = CompletableFuture.supplyAsync(() -> post(first.http(), key), clients);
          var onSecond = CompletableFuture.supplyAsync(() -> post(second.http(), key), clients);
          List<Http.Response> both = List.of(onFirst.join(), onSecond.join());
          assertThat(both).extracting(Http.Response::status).containsExactlyInAnyOrder(201, 200);
          assertThat(both.get(0).json().getString("id"))
              .as("key %s", key)
              .isEqualTo(both.get(1).json().getString("id"));
          runOfKey.put(key, both.get(0).json().getString("id"));
        }
      } finally {
        clients.shutdown();
      }
      assertThat(quickRuns(second.http())).isEqualTo(KEYS);

      first.kill(); // the oldest node orchestrates: the second takes over from the journals
      for (String key : List.of("race-0", "race-7", "race-19")) {
        assertThat(replayed(second.http(), key)).isEqualTo(runOfKey.get(key));
      }
      second.kill();

      JarNode restarted = cluster.startOne("controller,worker");
      for (Map.Entry<String, String> e : runOfKey.entrySet()) {
        assertThat(replayed(restarted.http(), e.getKey())).isEqualTo(e.getValue());
      }
      assertThat(quickRuns(restarted.http())).isEqualTo(KEYS);
    }
  }

  private static Http.Response post(Http http, String key) {
    return http.post("/api/jobs/quick/runs", Map.of("Idempotency-Key", key));
  }

  /** The id a request with {@code key} answers with 200, once an orchestrator takes requests. */
  private static String replayed(Http http, String key) {
    List<Http.Response> answers = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              // sent again on a 503 (no orchestrator yet) or a 504 (one that died with it)
              answers.add(post(http, key));
              int status = answers.get(answers.size() - 1).status();
              return status != 503 && status != 504;
            });
    Http.Response last = answers.get(answers.size() - 1);
    assertThat(last.status()).as(last.body()).isEqualTo(200);
    return last.json().getString("id");
  }

  private static int quickRuns(Http http) {
    return http.get("/api/runs?limit=1000&job=quick").json().getJsonArray("items").size();
  }
}
