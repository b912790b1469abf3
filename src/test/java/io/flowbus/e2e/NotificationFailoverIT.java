package io.flowbus.e2e;

import static io.flowbus.testing.Runs.awaitEnded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.flowbus.testing.Http;
import io.flowbus.testing.JarCluster;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.JournalEvents;
import io.flowbus.testing.TestNodes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs: a run fails while its webhook receiver is down; the orchestrator is killed (kill -9)
 * after the first attempt was journaled; the receiver comes up and the new orchestrator delivers
 * the notification, signed, with the secret input masked.
 */
class NotificationFailoverIT {
  private static final String SECRET = "it-webhook-secret";
  private static final String TOKEN = "Bearer it-token-that-must-not-leak";

  @TempDir Path work;

  @Test
  void aDeliveryPendingAtTheOrchestratorsDeathArrivesFromTheNextOne() throws Exception {
    int port = TestNodes.freePort();
    Path jobs = Files.writeString(work.resolve("jobs.yaml"), definitions(port));
    List<Map<String, String>> valid = new CopyOnWriteArrayList<>();
    try (JarCluster cluster =
        new JarCluster(work, jobs, Map.of("FLOWBUS_WEBHOOK_SECRET", SECRET))) {
      List<JarNode> nodes = cluster.startLedByAController("controller,worker");
      JarNode leader = nodes.get(0);
      JarNode next = nodes.get(1);
      String nextId = cluster.nodeIdOf(next);
      Http http = next.http();
      Http.Response created = http.post("/api/jobs/fails/runs", Map.of("Authorization", TOKEN));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      String id = created.json().getString("id");
      assertThat(awaitEnded(http, id).getString("state")).isEqualTo("FAILED");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !delivery(http, id).getJsonArray("attempts").isEmpty());
      assertThat(delivery(http, id).getString("state")).isEqualTo("pending");
      assertThat(delivery(http, id).getJsonArray("attempts").getJsonObject(0).getValue("status"))
          .as("nobody listens yet")
          .isNull();

      leader.crash();
      cluster.awaitLeader(http, nextId);
      long up = System.nanoTime();
      HttpServer receiver = receiver(port, valid);
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(() -> "delivered".equals(delivery(http, id).getString("state")));
      } finally {
        receiver.stop(0);
      }
      System.out.printf(
          "FIGURE webhook after failover: delivered %d ms after the receiver came up%n",
          (System.nanoTime() - up) / 1_000_000);

      assertThat(valid).as("signed deliveries accepted").hasSize(1);
      Map<String, String> accepted = valid.get(0);
      assertThat(accepted.get("delivery")).isEqualTo(id + ".1");
      assertThat(accepted.get("event")).isEqualTo("run.failed");
      JsonObject body = new JsonObject(accepted.get("body"));
      assertThat(body.getString("delivery")).isEqualTo(id + ".1");
      assertThat(body.getJsonObject("run").getString("id")).isEqualTo(id);
      assertThat(body.getJsonObject("run").getJsonObject("inputs").getString("token"))
          .isEqualTo("***");
      assertThat(accepted.get("body")).doesNotContain("it-token");
      assertThat(JournalEvents.of(cluster.data(), id))
          .filteredOn(e -> "notification_attempted".equals(e.getString("type")))
          .extracting(e -> e.getBoolean("delivered"))
          .last()
          .isEqualTo(true);
      assertThat(http.get("/api/runs/" + id).json().getString("state")).isEqualTo("FAILED");
      assertThat(http.get("/api/runs/no-such-run/notifications").status()).isEqualTo(404);
    }
  }

  private static JsonObject delivery(Http http, String id) {
    Http.Response answer = http.get("/api/runs/" + id + "/notifications");
    JsonArray items = answer.json().getJsonArray("items");
    assertThat(items).as(answer.body()).hasSize(1);
    return items.getJsonObject(0);
  }

  /** Answers 204 to a POST whose signature is that of its body with the shared secret, else 401. */
  private static HttpServer receiver(int port, List<Map<String, String>> valid) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String signature = exchange.getRequestHeaders().getFirst("X-Flowbus-Signature");
          boolean ok = ("sha256=" + hmac(body)).equals(signature);
          if (ok) {
            valid.add(
                Map.of(
                    "delivery", exchange.getRequestHeaders().getFirst("X-Flowbus-Delivery"),
                    "event", exchange.getRequestHeaders().getFirst("X-Flowbus-Event"),
                    "body", new String(body, StandardCharsets.UTF_8)));
          }
          exchange.sendResponseHeaders(ok ? 204 : 401, -1);
          exchange.close();
        });
    server.start();
    return server;
  }

  private static String hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String definitions(int port) {
    return """
        tasks:
          boom:
            exec_command: sh
            exec_args: [-c, "exit 3"]
        jobs:
          fails:
            input:
              token: {source: http-header, key: Authorization}
            stages: [{name: s, task_class: boom}]
            notify:
              - {url: "http://127.0.0.1:%d/hook", on: [failed]}
        """
        .formatted(port);
  }
}
