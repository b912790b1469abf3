package io.flowbus.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The real thing where a Docker engine exists: the compose file with three workers. */
@Testcontainers(disabledWithoutDocker = true)
class ComposeIT {
  @Container
  static final ComposeContainer COMPOSE =
      new ComposeContainer(new File("docker/compose.yaml"))
          .withBuild(true)
          .withScaledService("worker", 3)
          .withExposedService(
              "controller",
              8080,
              Wait.forHttp("/ready").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(5)));

  @Test
  void aFanOutRunsOnEveryWorker() {
    Http http =
        new Http(
            "http://"
                + COMPOSE.getServiceHost("controller", 8080)
                + ":"
                + COMPOSE.getServicePort("controller", 8080));
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .until(() -> http.get("/api/cluster").json().getJsonArray("nodes").size() == 4);
    String id = http.post("/api/jobs/word-count/runs?lines_per_section=10").json().getString("id");
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> "SUCCEEDED".equals(http.get("/api/runs/" + id).json().getString("state")));
    Set<String> nodes =
        http
            .get("/api/runs/" + id + "/tasks?stage=0&limit=1000")
            .json()
            .getJsonArray("items")
            .stream()
            .map(t -> ((JsonObject) t).getString("node"))
            .collect(Collectors.toSet());
    assertThat(nodes).hasSize(3);
    assertThat(http.get("/api/runs/" + id + "/files/result/summary.txt").body())
        .contains("total_words=8892");
  }
}
