package io.flowbus.controller;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.Membership;
import io.flowbus.config.NodeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the orchestrator on this node while it is the oldest controller of the cluster, and
 * undeploys it if that stops being so (after a split cluster merges, say).
 */
public final class LeaderElection extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

  private final NodeConfig config;
  private final Membership membership;
  private final DefinitionsStore definitions;
  private final MeterRegistry metrics;
  private String deployment;
  private boolean changing;
  private boolean stopped;
  private Runnable unsubscribe = () -> {};

  public LeaderElection(
      NodeConfig config,
      Membership membership,
      DefinitionsStore definitions,
      MeterRegistry metrics) {
    this.config = config;
    this.membership = membership;
    this.definitions = definitions;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    unsubscribe = membership.onChange(context, this::check);
    check();
    return Future.succeededFuture();
  }

  private void check() {
    if (changing || stopped) {
      return;
    }
    boolean leader = membership.isLeader();
    if (leader && deployment == null) {
      changing = true;
      LOG.info("this node {} orchestrates now", membership.selfId());
      vertx
          .deployVerticle(
              new Orchestrator(config, membership, definitions, metrics, Clock.systemUTC()))
          .onComplete(
              ar -> {
                changing = false;
                if (ar.succeeded()) {
                  deployment = ar.result();
                } else {
                  LOG.error("the orchestrator did not start", ar.cause());
                  vertx.setTimer(1_000, t -> check());
                  return;
                }
                check();
              });
    } else if (!leader && deployment != null) {
      LOG.warn("node {} no longer orchestrates", membership.selfId());
      changing = true;
      vertx
          .undeploy(deployment)
          .onComplete(
              ar -> {
                deployment = null;
                changing = false;
                check();
              });
    }
  }

  /** Stops orchestrating here (the journal is flushed), e.g. before the node leaves. */
  public Future<Void> resign() {
    stopped = true;
    unsubscribe.run();
    if (deployment == null) {
      return Future.succeededFuture();
    }
    String id = deployment;
    deployment = null;
    return vertx.undeploy(id);
  }
}
