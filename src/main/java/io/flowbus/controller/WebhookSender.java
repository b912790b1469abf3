package io.flowbus.controller;

import io.flowbus.config.WebhookSecret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs one notification: JSON, {@code X-Flowbus-Event}, {@code X-Flowbus-Delivery} and, when a
 * secret is set, {@code X-Flowbus-Signature: sha256=<hex HMAC-SHA256 of the body>}. Every request
 * ends within the timeout; redirects are not followed.
 */
final class WebhookSender {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_ERROR = 200;

  /**
   * How one POST fared.
   *
   * @param status the HTTP status answered; null when none came
   * @param error what went wrong; null for a 2xx answer
   */
  record Outcome(Integer status, String error, long durationMs) {
    boolean delivered() {
      return status != null && status >= 200 && status < 300;
    }
  }

  private final HttpClient client;
  private final WebhookSecret secret;
  private final long timeoutMs;

  WebhookSender(Vertx vertx, WebhookSecret secret, Duration timeout) {
    this.client = vertx.createHttpClient(new HttpClientOptions());
    this.secret = secret;
    this.timeoutMs = timeout.toMillis();
  }

  /** Sends {@code body} to {@code url}; the future always succeeds, with how it fared. */
  Future<Outcome> post(String url, String event, String deliveryId, Buffer body) {
    long start = System.nanoTime();
    Future<Integer> answered;
    try {
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setAbsoluteURI(url)
              .setConnectTimeout(timeoutMs)
              .setIdleTimeout(timeoutMs)
              .setFollowRedirects(false)
              .putHeader("Content-Type", "application/json")
              .putHeader("User-Agent", "flowbus")
              .putHeader("X-Flowbus-Event", event)
              .putHeader("X-Flowbus-Delivery", deliveryId);
      if (secret.isSet()) {
        options.putHeader("X-Flowbus-Signature", signature(secret.bytes(), body.getBytes()));
      }
      answered =
          client
              .request(options)
              .compose(request -> request.send(body))
              .compose(response -> response.body().map(b -> response.statusCode()))
              .timeout(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      answered = Future.failedFuture(e);
    }
    return answered.transform(
        ar -> {
          long ms = (System.nanoTime() - start) / 1_000_000;
          if (ar.failed()) {
            return Future.succeededFuture(new Outcome(null, describe(ar.cause()), ms));
          }
          int status = ar.result();
          boolean ok = status >= 200 && status < 300;
          return Future.succeededFuture(
              new Outcome(status, ok ? null : "answered HTTP " + status, ms));
        });
  }

  /** {@code sha256=} and the hex HMAC-SHA256 of {@code body} with {@code secret}. */
  static String signature(byte[] secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.util.concurrent.TimeoutException) {
      message = "no answer within " + timeoutMs + " ms";
    }
    return message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) + "..." : message;
  }
}
