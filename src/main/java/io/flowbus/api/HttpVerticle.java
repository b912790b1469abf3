package io.flowbus.api;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.Membership;
import io.flowbus.cluster.ProblemException;
import io.flowbus.config.NodeConfig;
import io.flowbus.storage.DataLayout;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The node's HTTP server: {@code /health}, {@code /ready} and {@code /metrics} on every node, the
 * REST API under {@code /api} on controllers.
 */
public final class HttpVerticle extends VerticleBase {
  private final NodeConfig config;
  private final String nodeId;
  private final DefinitionsStore definitions;
  private final PrometheusMeterRegistry registry;
  private final Supplier<JsonObject> readiness;
  private final Membership membership;

  /**
   * @param definitions null on a worker-only node, which serves no API
   * @param readiness {@code {"ready": bool, ...}} with what readiness waits for
   * @param membership who orchestrates, for the API's requests
   */
  public HttpVerticle(
      NodeConfig config,
      String nodeId,
      DefinitionsStore definitions,
      PrometheusMeterRegistry registry,
      Supplier<JsonObject> readiness,
      Membership membership) {
    this.config = config;
    this.nodeId = nodeId;
    this.definitions = definitions;
    this.registry = registry;
    this.readiness = readiness;
    this.membership = membership;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    FailureHandler failures = new FailureHandler(config.bodyLimit());
    router
        .get("/health")
        .handler(
            rc ->
                RunHandlers.json(
                    rc, 200, new JsonObject().put("status", "UP").put("node", nodeId)));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    if (definitions != null) {
      api(router);
    }
    router.route().failureHandler(failures);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    return vertx.createHttpServer().requestHandler(router).listen(config.port());
  }

  private void ready(RoutingContext rc) {
    JsonObject state = readiness.get().put("node", nodeId);
    RunHandlers.json(rc, state.getBoolean("ready") ? 200 : 503, state);
  }

  private void api(Router router) {
    OrchestratorClient orchestrator = new OrchestratorClient(vertx, membership, context);
    RunHandlers runs = new RunHandlers(orchestrator, definitions);
    DefinitionHandlers defs = new DefinitionHandlers(definitions);
    FileHandlers files = new FileHandlers(vertx, orchestrator, new DataLayout(config.dataDir()));
    EventStreamHandler events = new EventStreamHandler(vertx, orchestrator, registry);

    router.route("/api/*").handler(this::checkApiKey);
    // before the body handler: YAML must reach the loader as sent, whatever type curl declares
    router.put("/api/definitions").handler(rc -> defs.put(rc, config.bodyLimit()));
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.bodyLimit()));
    router.get("/api/jobs").handler(defs::jobs);
    router.get("/api/jobs/:job").handler(defs::job);
    router.post("/api/jobs/:job/runs").handler(runs::create);
    router.get("/api/runs").handler(runs::list);
    router.get("/api/runs/:id").handler(runs::get);
    router.delete("/api/runs/:id").handler(runs::delete);
    router.post("/api/runs/:id/start").handler(runs::start);
    router.post("/api/runs/:id/cancel").handler(runs::cancel);
    router.post("/api/runs/:id/pause").handler(runs::pause);
    router.post("/api/runs/:id/resume").handler(runs::resume);
    router.post("/api/runs/:id/retry").handler(runs::retry);
    router.get("/api/runs/:id/tasks").handler(runs::tasks);
    router.get("/api/runs/:id/tasks/:task").handler(runs::task);
    router.get("/api/runs/:id/tasks/:task/log").handler(files::log);
    router.get("/api/runs/:id/events").handler(events::handle);
    router.get("/api/runs/:id/files").handler(files::list);
    router.get("/api/runs/:id/files/*").handler(files::download);
    router.get("/api/definitions").handler(defs::get);
    router.get("/api/cluster").handler(rc -> runs.cluster(rc, nodeId));
  }

  private void checkApiKey(RoutingContext rc) {
    String expected = config.apiKey();
    if (expected == null) {
      rc.next();
      return;
    }
    String given = rc.request().getHeader("X-API-Key");
    boolean ok =
        given != null
            && MessageDigest.isEqual(
                given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    if (ok) {
      rc.next();
    } else {
      rc.response().putHeader("WWW-Authenticate", "ApiKey header=\"X-API-Key\"");
      rc.fail(
          new ProblemException(
              401,
              "Unauthorized",
              given == null
                  ? "this API needs the X-API-Key header"
                  : "the X-API-Key is not valid"));
    }
  }
}
