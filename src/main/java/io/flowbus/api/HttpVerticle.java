package io.flowbus.api;

import static io.flowbus.config.AccessRole.ADMIN;
import static io.flowbus.config.AccessRole.OPERATE;
import static io.flowbus.config.AccessRole.READ;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.Membership;
import io.flowbus.config.NodeConfig;
import io.flowbus.storage.DataLayout;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;
import java.util.function.Supplier;

/**
 * The node's HTTP server: {@code /health}, {@code /ready} and {@code /metrics} on every node, the
 * REST API under {@code /api} and the web UI at {@code /} on controllers.
 */
public final class HttpVerticle extends VerticleBase {
  private final NodeConfig config;
  private final String nodeId;
  private final DefinitionsStore definitions;
  private final PrometheusMeterRegistry registry;
  private final Supplier<JsonObject> readiness;
  private final Membership membership;
  private volatile List<Route> routes = List.of();

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
    HeadRequests.route(router);
    AccessPolicy access = new AccessPolicy(config.apiKeys());
    FailureHandler failures = new FailureHandler(config.bodyLimit(), new AllowedMethods(router));
    access
        .open(router.get("/health"))
        .handler(
            rc ->
                RunHandlers.json(
                    rc, 200, new JsonObject().put("status", "UP").put("node", nodeId)));
    access.open(router.get("/ready")).handler(this::ready);
    Route metrics = router.get("/metrics");
    (config.metricsPublic() ? access.open(metrics) : access.needs(READ, metrics))
        .handler(PrometheusScrapingHandler.create(registry));
    if (definitions != null) {
      WebUi.mount(router, access);
      api(router, access);
    }
    router.route().failureHandler(failures);
    router.errorHandler(400, failures::undecodable); // a path or query such as %zz
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    AccessPolicy.checkDeclared(router);
    routes = List.copyOf(router.getRoutes());
    return PortInUse.listen(
        vertx
            .createHttpServer()
            .requestHandler(router)
            .invalidRequestHandler(InvalidRequests::answer),
        config.port());
  }

  /** The routes served, each with what it needs in its {@link AccessPolicy#NEEDS} metadata. */
  public List<Route> routes() {
    return routes;
  }

  private void ready(RoutingContext rc) {
    JsonObject state = readiness.get().put("node", nodeId);
    RunHandlers.json(rc, state.getBoolean("ready") ? 200 : 503, state);
  }

  /** The REST API. Each route declares the role it needs, here: a route without one fails start. */
  private void api(Router router, AccessPolicy access) {
    OrchestratorClient orchestrator = new OrchestratorClient(vertx, membership, context);
    RunHandlers runs =
        new RunHandlers(orchestrator, definitions, new RunWaits(vertx, orchestrator, registry));
    DefinitionHandlers defs = new DefinitionHandlers(definitions);
    gate(router, access, defs);
    access.needs(READ, router.get("/api/jobs")).handler(defs::jobs);
    access.needs(READ, router.get("/api/jobs/:job")).handler(defs::job);
    runRoutes(router, access, runs);
    runDataRoutes(router, access, orchestrator);
    access.needs(READ, router.get("/api/definitions")).handler(defs::get);
    access.needs(READ, router.get("/api/cluster")).handler(rc -> runs.cluster(rc, nodeId));
    scheduleRoutes(router, access, new ScheduleHandlers(orchestrator));
    access.needs(READ, router.get("/api/access")).handler(access::describe);
    access.needs(READ, router.get("/api/openapi.yaml")).handler(new OpenApiHandler(vertx));
  }

  /** What comes before every API route: the key check, then the body read. */
  private void gate(Router router, AccessPolicy access, DefinitionHandlers defs) {
    // a known key before anything else is done, the body read included
    access.needs(READ, router.route("/api/*"));
    // before the body handler: YAML must reach the loader as sent, whatever type curl declares
    access
        .needs(ADMIN, router.put("/api/definitions"))
        .handler(rc -> defs.put(rc, config.bodyLimit()));
    access
        .filter(router.route("/api/*"))
        .handler(BodyHandler.create(false).setBodyLimit(config.bodyLimit()));
  }

  private static void runRoutes(Router router, AccessPolicy access, RunHandlers runs) {
    access.needs(OPERATE, router.post("/api/jobs/:job/runs")).handler(runs::create);
    access.needs(READ, router.get("/api/runs")).handler(runs::list);
    access.needs(READ, router.get("/api/runs/:id")).handler(runs::get);
    access.needs(ADMIN, router.delete("/api/runs/:id")).handler(runs::delete);
    access.needs(OPERATE, router.post("/api/runs/:id/start")).handler(runs::start);
    access.needs(OPERATE, router.post("/api/runs/:id/cancel")).handler(runs::cancel);
    access.needs(OPERATE, router.post("/api/runs/:id/pause")).handler(runs::pause);
    access.needs(OPERATE, router.post("/api/runs/:id/resume")).handler(runs::resume);
    access.needs(OPERATE, router.post("/api/runs/:id/retry")).handler(runs::retry);
    access.needs(READ, router.get("/api/runs/:id/tasks")).handler(runs::tasks);
    access.needs(READ, router.get("/api/runs/:id/tasks/:task")).handler(runs::task);
    access.needs(READ, router.get("/api/runs/:id/failures")).handler(runs::failures);
    access.needs(READ, router.get("/api/runs/:id/notifications")).handler(runs::notifications);
  }

  /** A run's logs, event stream and files. */
  private void runDataRoutes(Router router, AccessPolicy access, OrchestratorClient orchestrator) {
    FileHandlers files = new FileHandlers(vertx, orchestrator, new DataLayout(config.dataDir()));
    EventStreamHandler events = new EventStreamHandler(vertx, orchestrator, registry);
    access.needs(READ, router.get("/api/runs/:id/tasks/:task/log")).handler(files::log);
    access.needs(READ, router.get("/api/runs/:id/events")).handler(events::handle);
    access.needs(READ, router.get("/api/runs/:id/files")).handler(files::list);
    access.needs(READ, router.get("/api/runs/:id/files/*")).handler(files::download);
  }

  private static void scheduleRoutes(
      Router router, AccessPolicy access, ScheduleHandlers schedules) {
    access.needs(READ, router.get("/api/schedules")).handler(schedules::list);
    access.needs(READ, router.get("/api/schedules/:id")).handler(schedules::get);
    access.needs(OPERATE, router.post("/api/schedules/:id/pause")).handler(schedules::pause);
    access.needs(OPERATE, router.post("/api/schedules/:id/resume")).handler(schedules::resume);
    access.needs(OPERATE, router.post("/api/schedules/:id/trigger")).handler(schedules::trigger);
  }
}
