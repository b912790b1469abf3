package io.flowbus.controller;

import io.flowbus.cluster.OrchestratorProtocol;
import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.ProblemException;
import io.flowbus.cluster.Problems;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the {@link OrchestratorRequest}s any controller forwards over the event bus: reads by
 * {@link RunQueries}, once the changes on their way for what they read are durable (a change is
 * never shown before it is in the journal); writes by {@link RunWrites}.
 *
 * <p>One failure path per request: a {@link ProblemException} is answered with its problem, a
 * journal that cannot be written with a 503, anything else is logged once here with a reference and
 * answered with a 500 that names the reference, not the exception.
 */
final class OrchestratorEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestratorEndpoint.class);

  private final RunQueries queries;
  private final RunWrites writes;
  private final DurableEffects durable;

  OrchestratorEndpoint(RunQueries queries, RunWrites writes, DurableEffects durable) {
    this.queries = queries;
    this.writes = writes;
    this.durable = durable;
  }

  void handle(Message<JsonObject> message) {
    attempt(() -> answer(OrchestratorProtocol.decode(message.body())))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                message.reply(ar.result());
              } else {
                Problems.fail(message, problemOf(ar.cause()));
              }
            });
  }

  private Future<JsonObject> answer(OrchestratorRequest request) {
    if (request instanceof OrchestratorRequest.Read read) {
      Future<Void> settled =
          read.runId() == null ? durable.settled() : durable.settled(read.runId());
      return settled.compose(v -> attempt(() -> Future.succeededFuture(read.accept(queries))));
    }
    return ((OrchestratorRequest.Write) request).accept(writes);
  }

  private static Future<JsonObject> attempt(Supplier<Future<JsonObject>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static JsonObject problemOf(Throwable failure) {
    if (failure instanceof ProblemException problem) {
      return problem.problem();
    }
    if (failure instanceof NotWritten) {
      return Problems.problem(503, "Journal not writable", failure.getMessage());
    }
    String reference = UUID.randomUUID().toString().substring(0, 8);
    LOG.error("a request to the orchestrator failed (reference {})", reference, failure);
    return Problems.problem(
        500, "Internal error", "the orchestrator failed to answer (reference " + reference + ")");
  }
}
