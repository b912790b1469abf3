package io.flowbus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The node's event-bus meters are the ones Vert.x's Micrometer metrics would keep. */
class NodeMetricsFactoryTest {
  @Test
  void theEventBusHasTheSameMetersAsWithMicrometersOwn() throws Exception {
    PrometheusMeterRegistry ours = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusMeterRegistry theirs = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    Set<String> withOurs = series(ours, new NodeMetricsFactory(ours));
    Set<String> withTheirs = series(theirs, new MicrometerMetricsFactory(theirs));

    assertThat(withOurs)
        .isEqualTo(withTheirs)
        .contains("vertx_eventbus_sent_total{side=\"local\"}");
    assertThat(ours.scrape()).contains("vertx_eventbus_sent_total{side=\"local\"} 4.0");
    assertThat(ours.scrape()).contains("vertx_eventbus_published_total{side=\"local\"} 1.0");
  }

  /** The event bus's series and their help once a few messages went, failures among them. */
  private static Set<String> series(PrometheusMeterRegistry registry, VertxMetricsFactory factory)
      throws Exception {
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions()
                    .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
            .withMetrics(factory)
            .build();
    try {
      vertx.eventBus().consumer("a", m -> m.reply("ok"));
      vertx.eventBus().consumer("b", m -> m.fail(500, "no"));
      Function<String, Future<?>> ask = a -> vertx.eventBus().request(a, "x").otherwiseEmpty();
      Future.join(ask.apply("a"), ask.apply("a"), ask.apply("b"), ask.apply("nobody"))
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      vertx.eventBus().publish("a", "y");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Set<String> series = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      if (line.contains("vertx_eventbus")) {
        series.add(line.startsWith("#") ? line : line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return series;
  }
}
