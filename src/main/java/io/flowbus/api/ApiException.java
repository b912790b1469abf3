package io.flowbus.api;

import io.flowbus.cluster.Problems;
import io.vertx.core.json.JsonObject;

/** A request that fails with an RFC 9457 problem. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized
  private final JsonObject problem;

  public ApiException(JsonObject problem) {
    super(problem.getString("detail"));
    this.problem = problem;
  }

  public ApiException(int status, String title, String detail) {
    this(Problems.problem(status, title, detail));
  }

  static ApiException badRequest(String detail) {
    return new ApiException(400, "Bad request", detail);
  }

  static ApiException notFound(String detail) {
    return new ApiException(404, "Not found", detail);
  }

  public JsonObject problem() {
    return problem;
  }

  public int status() {
    return problem.getInteger("status", 500);
  }
}
