package io.flowbus.testing;

import static io.flowbus.testing.FlowbusAssertions.assertThat;
import static io.flowbus.testing.FlowbusAssertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The waits of the ITs against a stand-in server: they return the run, or fail showing it. */
class RunsTest {
  private final AtomicInteger polls = new AtomicInteger();
  private HttpServer server;
  private Http http;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/api/runs/ends",
        e -> answer(e, 200, polls.incrementAndGet() < 3 ? "RUNNING" : "SUCCEEDED"));
    server.createContext("/api/runs/stuck", e -> answer(e, 200, "RUNNING"));
    server.createContext("/api/runs/broken", e -> answer(e, 500, "oops"));
    server.start();
    http =
        new Http(
            "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void awaitEndedReturnsTheEndedRun() {
    assertThat(Runs.awaitEnded(http, "ends").getString("state")).isEqualTo("SUCCEEDED");
    assertThat(polls).hasValue(3);
  }

  @Test
  void aRunThatDoesNotEndFailsWithTheLastAnswer() {
    assertThatThrownBy(() -> Runs.awaitEnded(http, "stuck", Duration.ofSeconds(1)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected run stuck ended within PT1S")
        .hasMessageContaining(
            "the last answer to GET /api/runs/stuck was 200 {\"state\":\"RUNNING\"}");
  }

  @Test
  void anErrorAnswerIsWaitedOutAndShown() {
    assertThatThrownBy(() -> Runs.awaitEnded(http, "broken", Duration.ofSeconds(1)))
        .hasMessageContaining("was 500 {\"state\":\"oops\"}");
  }

  @Test
  void aServerGoneIsWaitedOutAndShown() {
    server.stop(0);
    assertThatThrownBy(() -> Runs.awaitEnded(http, "ends", Duration.ofSeconds(1)))
        .hasMessageContaining("was java.io.UncheckedIOException");
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String state)
      throws IOException {
    byte[] body = ("{\"state\":\"" + state + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
