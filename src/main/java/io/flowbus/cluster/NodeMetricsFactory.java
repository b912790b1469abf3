package io.flowbus.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * Vert.x's metrics as its Micrometer factory makes them, except the event bus's, which {@link
 * EventBusMeters} keeps with the same meters at a fraction of the cost per message. Only while the
 * address is not a label (it is not by default): otherwise Micrometer's own are kept.
 */
public final class NodeMetricsFactory implements VertxMetricsFactory {
  private final MicrometerMetricsFactory micrometer;
  private final MeterRegistry registry;

  public NodeMetricsFactory(MeterRegistry registry) {
    this.micrometer = new MicrometerMetricsFactory(registry);
    this.registry = registry;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    VertxMetrics metrics = micrometer.metrics(options);
    MicrometerMetricsOptions micrometerOptions =
        (MicrometerMetricsOptions) newOptions(options.getMetricsOptions());
    if (micrometerOptions.getLabels().contains(Label.EB_ADDRESS)
        || micrometerOptions.isMetricsCategoryDisabled(MetricsDomain.EVENT_BUS)) {
      return metrics;
    }
    EventBusMeters bus =
        new EventBusMeters(
            registry,
            micrometerOptions
                .getMetricsNaming()
                .withBaseName("vertx." + MetricsDomain.EVENT_BUS.toCategory() + "."),
            micrometerOptions.getLabels().contains(Label.EB_SIDE),
            micrometerOptions.getLabels().contains(Label.EB_FAILURE));
    return new WithEventBus(metrics, bus);
  }

  @Override
  public MetricsOptions newOptions() {
    return micrometer.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return micrometer.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return micrometer.newOptions(json);
  }

  /** Micrometer's metrics, but for the event bus's. */
  private record WithEventBus(VertxMetrics micrometer, EventBusMeters bus) implements VertxMetrics {
    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
      return bus;
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(
        HttpServerOptions options, SocketAddress localAddress) {
      return micrometer.createHttpServerMetrics(options, localAddress);
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(
        SocketAddress remoteAddress, String type, String namespace) {
      return micrometer.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return micrometer.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(
        NetServerOptions options, SocketAddress localAddress) {
      return micrometer.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return micrometer.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return micrometer.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
      return micrometer.createPoolMetrics(poolType, poolName, maxPoolSize);
    }

    @Override
    public void vertxCreated(io.vertx.core.Vertx vertx) {
      micrometer.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return micrometer.isMetricsEnabled();
    }

    @Override
    public void close() {
      micrometer.close();
    }
  }
}
