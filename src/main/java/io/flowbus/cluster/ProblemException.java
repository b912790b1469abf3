package io.flowbus.cluster;

import io.vertx.core.json.JsonObject;

/**
 * The one failure that carries an RFC 9457 problem: thrown anywhere a request cannot be served,
 * answered with the problem unchanged, over HTTP and over the event bus.
 */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized
  private final JsonObject problem;

  public ProblemException(JsonObject problem) {
    super(problem.getString("detail"));
    this.problem = problem;
  }

  public ProblemException(int status, String title, String detail) {
    this(Problems.problem(status, title, detail));
  }

  public static ProblemException badRequest(String detail) {
    return new ProblemException(400, "Bad request", detail);
  }

  public static ProblemException notFound(String detail) {
    return new ProblemException(404, "Not found", detail);
  }

  public static ProblemException conflict(String detail) {
    return new ProblemException(409, "Conflict", detail);
  }

  public JsonObject problem() {
    return problem;
  }

  public int status() {
    return problem.getInteger("status", 500);
  }
}
