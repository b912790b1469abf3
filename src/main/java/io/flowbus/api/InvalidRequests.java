package io.flowbus.api;

import io.flowbus.cluster.Problems;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * Answers a request that the HTTP decoder could not read (a request line or headers too long, bytes
 * that are no HTTP request), before any route sees it: as a problem, as every other error, where
 * the server alone would answer with a bare status. The connection is closed after the answer,
 * since what follows on it cannot be trusted to start a new request.
 */
final class InvalidRequests {
  private InvalidRequests() {}

  static void answer(HttpServerRequest request) {
    JsonObject problem = problemOf(request.decoderResult().cause());
    request
        .response()
        .setStatusCode(problem.getInteger("status"))
        .putHeader("Content-Type", "application/problem+json")
        .putHeader("Connection", "close")
        .end(problem.encode())
        .onComplete(v -> request.connection().close());
  }

  static JsonObject problemOf(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return Problems.problem(
          414,
          "URI too long",
          "the request line is longer than this server reads ("
              + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH
              + " bytes)");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return Problems.problem(
          431,
          "Request header fields too large",
          "the request's headers are larger than this server reads ("
              + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE
              + " bytes)");
    }
    // what the decoder says quotes the request: not echoed back
    return Problems.problem(400, "Bad request", "the request cannot be read as HTTP");
  }
}
