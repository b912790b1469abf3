package io.flowbus.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-bus consumers that stay registered in the cluster. When members join at the same moment,
 * Hazelcast may split and merge them, and the cluster-wide registration of a consumer can be lost
 * in the merge (other members clean up the "old" member's registrations after it has republished
 * them): the node then never receives another message. Every few seconds each consumer is looked up
 * in the cluster, and registered again if it is missing there.
 */
public final class DurableConsumers {
  private static final Logger LOG = LoggerFactory.getLogger(DurableConsumers.class);
  private static final long CHECK_MS = 5_000;

  private final Vertx vertx;
  private final List<Entry> entries = new ArrayList<>();
  private long timer = -1;

  private static final class Entry {
    final String address;
    final Handler<Message<Object>> handler;
    MessageConsumer<Object> consumer;

    Entry(String address, Handler<Message<Object>> handler) {
      this.address = address;
      this.handler = handler;
    }
  }

  public DurableConsumers(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Registers {@code handler} on {@code address}; completes once the cluster knows it. */
  @SuppressWarnings("unchecked")
  public <T> Future<Void> add(String address, Handler<Message<T>> handler) {
    Entry entry = new Entry(address, m -> handler.handle((Message<T>) m));
    entries.add(entry);
    return register(entry);
  }

  private Future<Void> register(Entry entry) {
    entry.consumer = vertx.eventBus().consumer(entry.address, entry.handler);
    return entry.consumer.completion();
  }

  /** Starts the periodic check; call from the owning verticle's context. */
  public void watch() {
    ClusterManager cluster = ((VertxInternal) vertx).clusterManager();
    if (cluster == null || timer >= 0) {
      return;
    }
    timer = vertx.setPeriodic(CHECK_MS, t -> entries.forEach(e -> check(cluster, e)));
  }

  private void check(ClusterManager cluster, Entry entry) {
    String self = cluster.getNodeId();
    cluster.getRegistrations(
        entry.address,
        (registrations, failure) -> {
          if (failure != null || registrations == null) {
            return;
          }
          boolean present =
              registrations.stream().map(RegistrationInfo::nodeId).anyMatch(self::equals);
          if (!present) {
            vertx.runOnContext(
                v -> {
                  LOG.warn(
                      "the cluster lost this node's consumer of {}: registering it again",
                      entry.address);
                  entry.consumer.unregister();
                  register(entry);
                });
          }
        });
  }

  public Future<Void> close() {
    vertx.cancelTimer(timer);
    List<Future<Void>> all = new ArrayList<>();
    entries.forEach(e -> all.add(e.consumer.unregister()));
    return Future.join(all).mapEmpty();
  }
}
