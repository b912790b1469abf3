package io.flowbus.deploy;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.Runs;
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
    String id = Runs.create(http, "/api/jobs/word-count/runs?lines_per_section=10");
    assertThatRun(awaitEnded(http, id, Duration.ofMinutes(3))).hasState("SUCCEEDED");
    Set<String> nodes =
        Runs.tasks(http, id, "stage=0").stream()
            .map(t -> t.getString("node"))
            .collect(Collectors.toSet());
    assertThat(nodes).hasSize(3);
    assertThat(http.get("/api/runs/" + id + "/files/result/summary.txt").body())
        .contains("total_words=8892");
  }
}
