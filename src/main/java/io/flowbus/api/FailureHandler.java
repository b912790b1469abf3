package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
import io.flowbus.cluster.Problems;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become responses: {@code application/problem+json}, always. A {@link
 * ProblemException} is answered with its problem; anything unexpected is logged once with a
 * reference and answered with a 500 that names the reference, never the exception.
 */
final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

  private final long bodyLimit;
  private final AllowedMethods allowed;

  /**
   * @param allowed the methods of a path, named in the {@code Allow} header of a 405
   */
  FailureHandler(long bodyLimit, AllowedMethods allowed) {
    this.bodyLimit = bodyLimit;
    this.allowed = allowed;
  }

  @Override
  public void handle(RoutingContext rc) {
    answer(rc, problemOf(rc));
  }

  /**
   * For the router's own 400 (a path or query it cannot decode), which it reports with no status of
   * the context's: answered as a problem, as every other error.
   */
  void undecodable(RoutingContext rc) {
    answer(
        rc,
        Problems.problem(
            400,
            "Bad request",
            rc.failure() == null
                ? "the path or query cannot be decoded"
                : messageOf(rc.failure())));
  }

  private void answer(RoutingContext rc, JsonObject problem) {
    HttpServerResponse response = rc.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    problem.put("instance", rc.request().path());
    int status = problem.getInteger("status");
    response.setStatusCode(status).putHeader("Content-Type", "application/problem+json");
    if (status == 405) {
      response.putHeader("Allow", allowed.of(routedPath(rc)));
    }
    if (status == 413) {
      tooLarge(rc, problem);
    } else {
      response.end(problem.encode());
    }
  }

  /**
   * Answers, then stops reading a body that is too large. HTTP/1.1 closes the connection; HTTP/2
   * keeps it for its other streams and drops the rest of this one as it comes (flow control paces
   * it; common clients do not take a stream reset after a complete answer well).
   */
  private static void tooLarge(RoutingContext rc, JsonObject problem) {
    if (rc.request().version() == HttpVersion.HTTP_2) {
      rc.response().end(problem.encode());
      return;
    }
    rc.response()
        .putHeader("Connection", "close")
        .end(problem.encode())
        .onComplete(v -> rc.request().connection().close());
  }

  /**
   * A 405, or a 404 when no route serves the path with any method (the router's route for every
   * HEAD fits every path, so the router alone cannot tell the two apart).
   */
  private JsonObject methodNotAllowed(RoutingContext rc) {
    if (allowed.of(routedPath(rc)).isEmpty()) {
      return Problems.problem(404, "Not found", "no resource at " + rc.request().path());
    }
    return Problems.problem(
        405, "Method not allowed", rc.request().method() + " is not allowed here");
  }

  /** The path as the router matched it: a trailing slash is not part of the route. */
  private static String routedPath(RoutingContext rc) {
    String path = rc.normalizedPath();
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private JsonObject problemOf(RoutingContext rc) {
    Throwable failure = rc.failure();
    if (failure instanceof ProblemException api) {
      return api.problem().copy();
    }
    int status = rc.statusCode();
    if (failure == null || status != 500 && status > 0) {
      return switch (status) {
        case 404 -> Problems.problem(404, "Not found", "no resource at " + rc.request().path());
        case 405 -> methodNotAllowed(rc);
        case 413 -> BodyReader.tooLarge(bodyLimit).problem();
        case 400 ->
            Problems.problem(
                400, "Bad request", failure == null ? "bad request" : messageOf(failure));
        case 401 -> Problems.problem(401, "Unauthorized", "this API needs the X-API-Key header");
        default ->
            Problems.problem(
                status > 0 ? status : 500, "Error", failure == null ? "error" : messageOf(failure));
      };
    }
    String reference = UUID.randomUUID().toString().substring(0, 8);
    LOG.error(
        "{} {} failed (reference {})",
        rc.request().method(),
        rc.request().path(),
        reference,
        failure);
    return Problems.problem(
        500, "Internal error", "the request failed here (reference " + reference + ")");
  }

  private static String messageOf(Throwable failure) {
    return failure.getMessage() != null ? failure.getMessage() : failure.toString();
  }
}
