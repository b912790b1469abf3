package io.flowbus.cluster;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Errors that travel over the event bus as RFC 9457 problem details: the failure code is the HTTP
 * status, the message is the problem as JSON, so the REST layer answers with it unchanged.
 */
public final class Problems {
  private Problems() {}

  public static JsonObject problem(int status, String title, String detail) {
    return new JsonObject()
        .put("type", "about:blank")
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
  }

  public static void fail(Message<?> message, JsonObject problem) {
    message.fail(problem.getInteger("status", 500), problem.encode());
  }

  /** The problem a failed request carries; transport failures become 503 or 504. */
  public static JsonObject of(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        try {
          JsonObject problem = new JsonObject(String.valueOf(reply.getMessage()));
          if (problem.containsKey("status")) {
            return problem;
          }
        } catch (DecodeException e) {
          // a plain message: wrap it below
        }
        return problem(500, "Internal error", reply.getMessage());
      }
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return problem(
            504, "Orchestrator timeout", "the orchestrating node did not answer in time");
      }
      return problem(503, "No orchestrator", "no node orchestrates right now; retry shortly");
    }
    return problem(500, "Internal error", String.valueOf(failure.getMessage()));
  }
}
