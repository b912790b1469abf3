package io.flowbus;

import io.flowbus.api.HttpVerticle;
import io.flowbus.cluster.BusCodecs;
import io.flowbus.cluster.ClusterSetup;
import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.Membership;
import io.flowbus.cluster.NodeMetricsFactory;
import io.flowbus.config.NodeConfig;
import io.flowbus.controller.LeaderElection;
import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.PrivateFiles;
import io.flowbus.worker.WorkerVerticle;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One flowbus node: a clustered Vert.x with the verticles of its roles. Started by {@link Main}
 * and, in tests, several times in one JVM.
 */
public final class Node {
  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final NodeConfig config;
  private Vertx vertx;
  private String nodeId;
  private WorkerVerticle worker;
  private LeaderElection election;
  private volatile HttpVerticle http;
  private volatile boolean ready;
  private volatile boolean stopping;

  public Node(NodeConfig config) {
    this.config = config;
  }

  /** Reads and checks the definitions; a node with invalid ones must not start. */
  public static Definitions loadDefinitions(NodeConfig config) throws DefinitionsException {
    return DefinitionsLoader.load(config.definitions());
  }

  public Future<Node> start() {
    InForce inForce;
    try {
      inForce = definitionsInForce();
    } catch (DefinitionsException | IOException e) {
      return Future.failedFuture(e);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HazelcastClusterManager cluster = new HazelcastClusterManager(ClusterSetup.hazelcast(config));
    return clusteredVertx(cluster, registry)
        .compose(
            v -> {
              vertx = v;
              BusCodecs.register(v);
              nodeId = cluster.getNodeId();
              return deploy(cluster, registry, inForce.definitions(), inForce.text());
            })
        .map(x -> ready());
  }

  /** The definitions and their text as written. */
  private record InForce(Definitions definitions, String text) {}

  /**
   * The definitions of {@code --config}, checked (a node with invalid ones must not start), or
   * those put in force over REST if they are newer and still valid; makes the data directory.
   */
  private InForce definitionsInForce() throws DefinitionsException, IOException {
    InForce inForce =
        new InForce(
            loadDefinitions(config),
            Files.readString(config.definitions(), StandardCharsets.UTF_8));
    Files.createDirectories(config.dataDir());
    restrictMeta();
    Path stored = new DataLayout(config.dataDir()).currentDefinitions();
    if (!isNewer(stored, config.definitions())) {
      return inForce;
    }
    try {
      String storedText = Files.readString(stored, StandardCharsets.UTF_8);
      InForce fromRest =
          new InForce(DefinitionsLoader.parse(storedText, stored.toString()), storedText);
      LOG.info(
          "definitions put in force over REST ({}) are newer than {}: using them",
          stored,
          config.definitions());
      return fromRest;
    } catch (DefinitionsException | IOException e) {
      LOG.warn("ignoring {}: {}", stored, e.getMessage());
      return inForce;
    }
  }

  private Future<Vertx> clusteredVertx(
      HazelcastClusterManager cluster, PrometheusMeterRegistry registry) {
    return Vertx.builder()
        .with(
            ClusterSetup.vertx(config)
                .setMetricsOptions(
                    new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
        .withMetrics(new NodeMetricsFactory(registry))
        .withClusterManager(cluster)
        .buildClustered();
  }

  private Node ready() {
    ready = true;
    LOG.info(
        "node {} ready: roles {}, port {}, {} slots, data in {}",
        nodeId,
        config.roles(),
        config.port(),
        config.slots(),
        config.dataDir());
    return this;
  }

  /** What the engine keeps (journals, logs, spawn entries) is none of a task's business. */
  private void restrictMeta() {
    Path meta = new DataLayout(config.dataDir()).metaDir();
    try {
      PrivateFiles.restrict(meta);
    } catch (IOException e) {
      LOG.warn("cannot make {} readable by this node's user only: {}", meta, e.toString());
    }
  }

  private Future<Void> deploy(
      HazelcastClusterManager cluster,
      PrometheusMeterRegistry registry,
      Definitions definitions,
      String text) {
    Membership membership = new Membership(cluster.getHazelcastInstance(), nodeId);
    DefinitionsStore store =
        config.isController()
            ? new DefinitionsStore(
                vertx,
                definitions,
                text,
                new DataLayout(config.dataDir()).currentDefinitions(),
                membership)
            : null;
    Future<?> chain = store == null ? Future.succeededFuture() : store.join();
    if (config.isWorker()) {
      worker = new WorkerVerticle(nodeId, config, registry, membership);
      chain = chain.compose(x -> vertx.deployVerticle(worker));
    }
    if (config.isController()) {
      election = new LeaderElection(config, membership, store, registry);
      chain = chain.compose(x -> vertx.deployVerticle(election));
    }
    http = new HttpVerticle(config, nodeId, store, registry, this::readiness, membership);
    return chain.compose(x -> vertx.deployVerticle(http)).mapEmpty();
  }

  private JsonObject readiness() {
    return new JsonObject()
        .put("ready", ready && !stopping)
        .put("joined", vertx != null)
        .put("definitions_loaded", true)
        .put("stopping", stopping)
        .put("task_user", worker == null ? null : worker.taskUser())
        .put("task_namespaces", worker != null && worker.taskNamespaces())
        .put("task_programs", new JsonArray(worker == null ? List.of() : worker.taskPrograms()));
  }

  /** Whether {@code a} exists and was written after {@code b}. */
  private static boolean isNewer(Path a, Path b) {
    try {
      return Files.exists(a)
          && Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b)) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  public String nodeId() {
    return nodeId;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The HTTP routes this node serves, each with the access it needs; empty before it started. */
  public List<Route> httpRoutes() {
    HttpVerticle server = http;
    return server == null ? List.of() : server.routes();
  }

  public NodeConfig config() {
    return config;
  }

  /**
   * Drains and leaves: the worker takes no new task and finishes or hands back what it runs, the
   * orchestrator (if here) stops after flushing its journal, then the node leaves the cluster.
   */
  public Future<Void> stop() {
    if (vertx == null) {
      return Future.succeededFuture();
    }
    stopping = true;
    LOG.info("node {} stopping: draining first", nodeId);
    Future<Void> drained =
        worker == null ? Future.succeededFuture() : worker.drain(config.drainTimeout());
    return drained
        .compose(v -> election == null ? Future.succeededFuture() : election.resign())
        .eventually(() -> vertx.close())
        .onComplete(ar -> LOG.info("node {} left the cluster", nodeId));
  }

  /** Stops from a thread that is not Vert.x's, as a shutdown hook does; whether it went cleanly. */
  public boolean stopAndWait() {
    try {
      stop()
          .toCompletionStage()
          .toCompletableFuture()
          .get(config.drainTimeout().toSeconds() + 60, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      LOG.warn("node {} did not stop cleanly: {}", nodeId, e.toString());
      return false;
    }
  }
}
