package io.flowbus.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.config.WebhookSecret;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

  @Test
  void theSecretNeverShowsInItsText() {
    assertThat(WebhookSecret.of("hunter2-secret").toString()).doesNotContain("hunter2");
    assertThat(WebhookSecret.of("  ").isSet()).isFalse();
  }
}
