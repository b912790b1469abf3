package io.flowbus.controller;

import io.flowbus.config.WebhookSecret;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs one notification: JSON, {@code X-Flowbus-Event}, {@code X-Flowbus-Delivery} and, when a
 * secret is set, {@code X-Flowbus-Signature: sha256=<hex HMAC-SHA256 of the body>}. Every request
 * ends within the timeout; redirects are not followed. Of the receiver's answer only the status and
 * the first {@link #MAX_BODY} bytes are read (for the error text); the rest is dropped by resetting
 * the request, as is a request that timed out, so no connection is left streaming.
 */
final class WebhookSender {
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_BODY = 4096;
  private static final int MAX_ERROR = 200;
  private static final int MAX_CONNECTIONS = 16;
  private static final int MAX_WAITING = 256;

  /** The status and the first bytes of an answer; {@code whole} when the body ended within them. */
  private record Answer(int status, Buffer head, boolean whole) {}

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
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions(),
            new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS).setMaxWaitQueueSize(MAX_WAITING));
    this.secret = secret;
    this.timeoutMs = timeout.toMillis();
  }

  /** Sends {@code body} to {@code url}; the future always succeeds, with how it fared. */
  Future<Outcome> post(String url, String event, String deliveryId, Buffer body) {
    long start = System.nanoTime();
    Future<Answer> answered;
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
      answered = exchange(options, body);
    } catch (RuntimeException e) {
      answered = Future.failedFuture(e);
    }
    return answered.transform(
        ar -> {
          long ms = (System.nanoTime() - start) / 1_000_000;
          if (ar.failed()) {
            return Future.succeededFuture(new Outcome(null, describe(ar.cause()), ms));
          }
          int status = ar.result().status();
          boolean ok = status >= 200 && status < 300;
          return Future.succeededFuture(new Outcome(status, ok ? null : error(ar.result()), ms));
        });
  }

  private Future<Answer> exchange(RequestOptions options, Buffer body) {
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    return client
        .request(options)
        .compose(
            request -> {
              sent.set(request);
              return request.send(body);
            })
        .compose(WebhookSender::head)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .andThen(
            ar -> {
              HttpClientRequest request = sent.get();
              if (request != null && (ar.failed() || !ar.result().whole())) {
                request.reset(); // closes the connection instead of reading the rest
              }
            });
  }

  /** Reads the status and at most {@link #MAX_BODY} bytes of the answer, never more. */
  private static Future<Answer> head(HttpClientResponse response) {
    Promise<Answer> done = Promise.promise();
    Buffer head = Buffer.buffer();
    response.exceptionHandler(done::tryFail);
    response.handler(
        chunk -> {
          int room = MAX_BODY - head.length();
          if (room > 0) {
            head.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
          }
          if (head.length() >= MAX_BODY) {
            done.tryComplete(new Answer(response.statusCode(), head, false));
          }
        });
    response.endHandler(v -> done.tryComplete(new Answer(response.statusCode(), head, true)));
    return done.future();
  }

  private static String error(Answer answer) {
    String text = answer.head().toString(java.nio.charset.StandardCharsets.UTF_8).strip();
    String message = "answered HTTP " + answer.status() + (text.isEmpty() ? "" : ": " + text);
    return message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) + "..." : message;
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
