package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.config.WebhookSecret;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
  /** RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?". */
  @Test
  void theSignatureIsTheHexHmacSha256OfTheBody() {
    String signature =
        WebhookSender.signature(
            "Jefe".getBytes(StandardCharsets.UTF_8),
            "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8));

    assertThat(signature)
        .isEqualTo("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void aUrlThatCannotBeReachedIsAFailedAttemptNotAnException() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WebhookSender sender = new WebhookSender(vertx, WebhookSecret.NONE, Duration.ofSeconds(5));
      WebhookSender.Outcome outcome =
          sender
              .post("http://127.0.0.1:1/hook", "run.failed", "r.1", Buffer.buffer("{}"))
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);

      assertThat(outcome.delivered()).isFalse();
      assertThat(outcome.status()).isNull();
      assertThat(outcome.error()).isNotBlank();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The receiver answers 500 and then streams a body that never ends: the attempt still ends long
   * before its timeout, keeps only a short error text, and the connection is closed under the
   * receiver while it is still writing.
   */
  @Test
  void anEndlessAnswerBodyIsNotReadButCutOff() throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicLong written = new AtomicLong();
    CountDownLatch closed = new CountDownLatch(1);
    try {
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(
                  request -> {
                    request.connection().closeHandler(v -> closed.countDown());
                    HttpServerResponse response = request.response().setStatusCode(500);
                    response.setChunked(true);
                    stream(response, written);
                  })
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      WebhookSender sender = new WebhookSender(vertx, WebhookSecret.NONE, Duration.ofMinutes(5));

      WebhookSender.Outcome outcome =
          sender
              .post(
                  "http://127.0.0.1:" + server.actualPort() + "/hook",
                  "run.failed",
                  "r.1",
                  Buffer.buffer("{}"))
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);

      assertThat(outcome.status()).isEqualTo(500);
      assertThat(outcome.error()).startsWith("answered HTTP 500: xxxx").hasSizeLessThan(300);
      assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(written.get()).isGreaterThan(WebhookSender.MAX_BODY);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Writes 64 KB chunks for as long as the connection takes them. */
  private static void stream(HttpServerResponse response, AtomicLong written) {
    Buffer chunk = Buffer.buffer("x".repeat(65_536));
    while (!response.writeQueueFull() && !response.closed()) {
      response.write(chunk);
      written.addAndGet(chunk.length());
    }
    if (!response.closed()) {
      response.drainHandler(v -> stream(response, written));
    }
  }

  @Test
  void theSecretNeverShowsInItsText() {
    assertThat(WebhookSecret.of("hunter2-secret").toString()).doesNotContain("hunter2");
    assertThat(WebhookSecret.of("  ").isSet()).isFalse();
  }
}
