package io.flowbus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.testing.Http;
import io.flowbus.testing.JarCluster;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.Runs;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waits are bounded: a node holds at most {@code flowbus.api.max-waits} of them (lowered to 2
 * here), the next is a 503 that creates nothing, and a client that leaves frees its wait at once.
 */
class WaitLimitIT {
  private static final Path JOBS = Path.of("src/test/resources/it/test_jobs.yaml").toAbsolutePath();

  @TempDir Path work;

  @Test
  void aNodeHoldsNoMoreWaitsThanItsBoundAndFreesThoseWhoseClientLeft() throws Exception {
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dflowbus.api.max-waits=2");
    try (JarCluster cluster = new JarCluster(work, JOBS, env)) {
      JarNode node = cluster.startOne("controller,worker");
      Http http = node.http();
      String id = Runs.create(http, "/api/jobs/slow/runs?seconds=120");

      try (Socket leaving = new Socket("127.0.0.1", node.port())) {
        send(leaving, "GET /api/runs/" + id + "?wait=5m HTTP/1.1\r\nHost: x\r\n\r\n");
        await().until(() -> openWaits(http) == 1);
      }
      await().until(() -> openWaits(http) == 0);

      List<CompletableFuture<Http.Response>> held =
          List.of(
              CompletableFuture.supplyAsync(() -> http.get("/api/runs/" + id + "?wait=5m")),
              CompletableFuture.supplyAsync(() -> http.get("/api/runs/" + id + "?wait=5m")));
      await().until(() -> openWaits(http) == 2);
      int runsBefore = runs(http);

      Http.Response third = http.get("/api/runs/" + id + "?wait=1s");
      Http.Response create = http.post("/api/jobs/single/runs?wait=1s");

      assertThat(third.status()).isEqualTo(503);
      assertThat(third.json().getString("title")).isEqualTo("Too many waits");
      assertThat(create.status()).isEqualTo(503);
      assertThat(runs(http)).isEqualTo(runsBefore);

      assertThat(http.post("/api/runs/" + id + "/cancel").status()).isEqualTo(200);
      for (CompletableFuture<Http.Response> wait : held) {
        assertThat(wait.join().json().getString("state")).isEqualTo("CANCELLED");
      }
      await().until(() -> openWaits(http) == 0);
    }
  }

  private static void send(Socket socket, String request) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static int openWaits(Http http) {
    return http.get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("flowbus_api_waits_open"))
        .map(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(-1);
  }

  private static int runs(Http http) {
    return http.get("/api/runs?limit=1000").json().getJsonArray("items").size();
  }
}
