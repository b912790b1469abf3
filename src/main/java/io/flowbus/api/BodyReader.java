package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body as its bytes arrive, chunked or not, and fails with 413 the moment it passes
 * the limit: nothing past the limit is kept ({@link FailureHandler} then closes an HTTP/1.1
 * connection, so the rest is not even read).
 */
final class BodyReader {
  private final long limit;
  private final Promise<Buffer> result = Promise.promise();
  private Buffer body = Buffer.buffer();
  private long received;

  private BodyReader(long limit) {
    this.limit = limit;
  }

  /**
   * The whole body, or a failed future with a 413 {@link ProblemException} as soon as it passes
   * {@code limit} bytes; a {@code Content-Length} above the limit fails before a byte is read.
   */
  static Future<Buffer> read(RoutingContext rc, long limit) {
    String length = rc.request().getHeader("Content-Length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > limit) {
      return Future.failedFuture(tooLarge(limit));
    }
    BodyReader reader = new BodyReader(limit);
    HttpServerRequest request = rc.request();
    request.handler(reader::onChunk);
    request.endHandler(v -> reader.result.tryComplete(reader.body));
    request.exceptionHandler(reader.result::tryFail);
    request.resume(); // the router pauses a request until a handler takes its body
    return reader.result.future();
  }

  private void onChunk(Buffer chunk) {
    if (body == null) {
      return; // past the limit already: dropped, never kept
    }
    received += chunk.length();
    if (received > limit) {
      body = null;
      result.tryFail(tooLarge(limit));
    } else {
      body.appendBuffer(chunk);
    }
  }

  static ProblemException tooLarge(long limit) {
    return new ProblemException(
        413,
        "Request too large",
        "the request body is larger than the limit of " + limit + " bytes (--body-limit)");
  }
}
