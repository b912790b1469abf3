package io.flowbus.api;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.Membership;
import io.flowbus.cluster.NodeInfo;
import io.flowbus.cluster.OrchestratorProtocol;
import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.ProblemException;
import io.flowbus.cluster.Problems;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Asks the orchestrating node: the oldest controller as {@link Membership} sees it when the request
 * is sent, at its own address. While none listens (one died and the next is taking over) the
 * request is tried again for a while: a failover is seen as a slower answer, not an error.
 *
 * <p>A request in flight to a node that leaves the cluster is not left to its timeout: a {@link
 * OrchestratorRequest.Read} is sent again at once, to the next orchestrator; a {@link
 * OrchestratorRequest.Write} is answered 503 at once, as it may or may not have been applied.
 */
final class OrchestratorClient {
  /** How long a read waits for its answer; a system property so that tests can raise it. */
  static final long READ_TIMEOUT_MS = Long.getLong("flowbus.api.read-timeout-ms", 4_000);

  private static final long WRITE_TIMEOUT_MS = 10_000;
  private static final long FAILOVER_WAIT_MS = 30_000;
  private static final long RETRY_MS = 250;

  private final Vertx vertx;
  private final Membership membership;
  private final Set<InFlight> inFlight = new LinkedHashSet<>();

  /** One request on its way to {@code node}; fails at once if that node leaves. */
  private record InFlight(String node, Promise<JsonObject> answer) {}

  /** The orchestrator a request was sent to left the cluster before answering. */
  private static final class Left extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Left(String node) {
      super("node " + node + " left the cluster", null, false, false);
    }
  }

  /** Call from the context the client is used on: membership changes are taken in there. */
  OrchestratorClient(Vertx vertx, Membership membership, Context context) {
    this.vertx = vertx;
    this.membership = membership;
    membership.onChange(context, this::membersChanged);
  }

  Future<JsonObject> call(OrchestratorRequest request) {
    Promise<JsonObject> promise = Promise.promise();
    attempt(request, System.currentTimeMillis() + FAILOVER_WAIT_MS, promise);
    return promise.future();
  }

  private void attempt(OrchestratorRequest request, long giveUpAt, Promise<JsonObject> promise) {
    boolean read = request instanceof OrchestratorRequest.Read;
    String leader = membership.leader().map(NodeInfo::id).orElse(null);
    if (leader == null) {
      retryOrFail(request, giveUpAt, promise, new ProblemException(noOrchestrator()));
      return;
    }
    InFlight sent = new InFlight(leader, Promise.promise());
    inFlight.add(sent);
    vertx
        .eventBus()
        .<JsonObject>request(
            Addresses.orchestratorApi(leader),
            OrchestratorProtocol.encode(request),
            new DeliveryOptions().setSendTimeout(read ? READ_TIMEOUT_MS : WRITE_TIMEOUT_MS))
        .map(Message::body)
        .onComplete(sent.answer()::tryComplete, sent.answer()::tryFail);
    sent.answer()
        .future()
        .onComplete(
            ar -> {
              inFlight.remove(sent);
              if (ar.succeeded()) {
                promise.complete(ar.result());
              } else {
                failed(request, giveUpAt, promise, ar.cause());
              }
            });
  }

  private void failed(
      OrchestratorRequest request, long giveUpAt, Promise<JsonObject> promise, Throwable e) {
    boolean read = request instanceof OrchestratorRequest.Read;
    if (e instanceof Left && read) {
      attempt(request, giveUpAt, promise); // safe to ask the next orchestrator, at once
    } else if (e instanceof Left) {
      promise.fail(
          new ProblemException(
              503,
              "Orchestrator left",
              "the orchestrator left while handling this request; it may or may not have been"
                  + " applied"));
    } else if (e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
        || read && e instanceof ReplyException r2 && r2.failureType() == ReplyFailure.TIMEOUT) {
      // none listens yet (a takeover), or a read got lost: safe to ask again
      retryOrFail(request, giveUpAt, promise, new ProblemException(Problems.of(e)));
    } else {
      promise.fail(new ProblemException(Problems.of(e)));
    }
  }

  private void retryOrFail(
      OrchestratorRequest request,
      long giveUpAt,
      Promise<JsonObject> promise,
      ProblemException failure) {
    if (System.currentTimeMillis() < giveUpAt) {
      vertx.setTimer(RETRY_MS, t -> attempt(request, giveUpAt, promise));
    } else {
      promise.fail(failure);
    }
  }

  /** Requests on their way to a node that is no longer a member fail now, not at their timeout. */
  private void membersChanged() {
    if (inFlight.isEmpty()) {
      return;
    }
    Set<String> present =
        membership.nodes().stream()
            .map(NodeInfo::id)
            .collect(Collectors.toCollection(HashSet::new));
    for (InFlight sent : List.copyOf(inFlight)) {
      if (!present.contains(sent.node())) {
        sent.answer().tryFail(new Left(sent.node()));
      }
    }
  }

  private static io.vertx.core.json.JsonObject noOrchestrator() {
    return Problems.problem(
        503, "No orchestrator", "no node orchestrates right now; retry shortly");
  }
}
