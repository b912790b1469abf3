package io.flowbus.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.micrometer.MetricsNaming;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The event bus's meters, the same ones (names, descriptions, tags) Vert.x's Micrometer metrics
 * keep while the address is not a label, but each looked up once and then held: Micrometer's own
 * looks every meter up in the registry again for every message. Internal addresses (replies) are
 * not counted, as there.
 */
final class EventBusMeters implements EventBusMetrics<Object> {
  /** What a counted handler's registration stands for: all share the meters of their side. */
  private static final Object COUNTED = new Object();

  private final MeterRegistry registry;
  private final MetricsNaming names;
  private final boolean failureTag;
  private final LongAdder handlers = new LongAdder();
  private final Side local;
  private final Side remote;
  private final Map<ReplyFailure, Counter> replyFailures = new EnumMap<>(ReplyFailure.class);
  private volatile DistributionSummary bytesRead;
  private volatile DistributionSummary bytesWritten;

  /**
   * @param names the naming of Vert.x's metrics, based on {@code vertx.eventbus.}
   * @param sideTag whether meters carry the side (local, remote) as a tag
   * @param failureTag whether reply failures carry their kind as a tag
   */
  EventBusMeters(MeterRegistry registry, MetricsNaming names, boolean sideTag, boolean failureTag) {
    this.registry = registry;
    this.names = names;
    this.failureTag = failureTag;
    Gauge.builder(names.getEbHandlers(), handlers, LongAdder::doubleValue)
        .description("Number of event bus handlers in use")
        .register(registry);
    local = new Side(sideTag ? Tags.of("side", "local") : Tags.empty());
    remote = new Side(sideTag ? Tags.of("side", "remote") : Tags.empty());
  }

  /** The meters of one side; those of messages sent or received made when first needed. */
  private final class Side {
    final Tags tags;
    final LongAdder pending = new LongAdder();
    final Counter processed;
    final Counter discarded;
    volatile Counter published;
    volatile Counter sent;
    volatile Counter received;
    volatile Counter delivered;

    Side(Tags tags) {
      this.tags = tags;
      Gauge.builder(names.getEbPending(), pending, LongAdder::doubleValue)
          .description("Number of messages not processed yet")
          .tags(tags)
          .register(registry);
      processed = counter(names.getEbProcessed(), "Number of processed messages");
      discarded = counter(names.getEbDiscarded(), "Number of discarded messages");
    }

    Counter counter(String name, String description) {
      return Counter.builder(name).description(description).tags(tags).register(registry);
    }
  }

  private Side side(boolean isLocal) {
    return isLocal ? local : remote;
  }

  /** The meter {@code held}, or the one {@code make} registers (the same one, if two race). */
  private static <T> T held(T held, Supplier<T> make) {
    return held != null ? held : make.get();
  }

  private static boolean internal(String address) {
    return address.startsWith("__vertx.");
  }

  @Override
  public Object handlerRegistered(String address) {
    if (internal(address)) {
      return null;
    }
    handlers.increment();
    return COUNTED;
  }

  @Override
  public void handlerUnregistered(Object handler) {
    if (handler != null) {
      handlers.decrement();
    }
  }

  @Override
  public void messageDelivered(Object handler, boolean isLocal) {
    if (handler != null) {
      Side side = side(isLocal);
      side.pending.decrement();
      side.processed.increment();
    }
  }

  @Override
  public void discardMessage(
      Object handler, boolean isLocal, io.vertx.core.eventbus.Message<?> message) {
    if (handler != null) {
      Side side = side(isLocal);
      side.pending.decrement();
      side.discarded.increment();
    }
  }

  @Override
  public void messageSent(String address, boolean publish, boolean isLocal, boolean isRemote) {
    if (internal(address)) {
      return;
    }
    Side s = side(isLocal);
    if (publish) {
      s.published =
          held(
              s.published,
              () ->
                  s.counter(
                      names.getEbPublished(),
                      "Number of messages published (publish / subscribe)"));
      s.published.increment();
    } else {
      s.sent =
          held(
              s.sent,
              () -> s.counter(names.getEbSent(), "Number of messages sent (point-to-point)"));
      s.sent.increment();
    }
  }

  @Override
  public void messageReceived(String address, boolean publish, boolean isLocal, int count) {
    if (internal(address)) {
      return;
    }
    Side s = side(isLocal);
    s.received =
        held(s.received, () -> s.counter(names.getEbReceived(), "Number of messages received"));
    s.received.increment();
    if (count > 0) {
      s.pending.add(count);
      s.delivered =
          held(
              s.delivered,
              () -> s.counter(names.getEbDelivered(), "Number of messages delivered to handlers"));
      s.delivered.increment();
    }
  }

  @Override
  public void messageWritten(String address, int numberOfBytes) {
    if (!internal(address)) {
      bytesWritten =
          held(
              bytesWritten,
              () ->
                  summary(
                      names.getEbBytesWritten(),
                      "Number of bytes sent while sending messages to event bus cluster peers"));
      bytesWritten.record(numberOfBytes);
    }
  }

  @Override
  public void messageRead(String address, int numberOfBytes) {
    if (!internal(address)) {
      bytesRead =
          held(
              bytesRead,
              () ->
                  summary(
                      names.getEbBytesRead(),
                      "Number of bytes received while reading messages from event bus cluster"
                          + " peers"));
      bytesRead.record(numberOfBytes);
    }
  }

  private DistributionSummary summary(String name, String description) {
    return DistributionSummary.builder(name).description(description).register(registry);
  }

  @Override
  public void replyFailure(String address, ReplyFailure failure) {
    if (internal(address)) {
      return;
    }
    Counter counter;
    synchronized (replyFailures) {
      counter =
          replyFailures.computeIfAbsent(
              failure,
              f ->
                  Counter.builder(names.getEbReplyFailures())
                      .description("Number of message reply failures")
                      .tags(failureTag ? Tags.of("failure", f.name()) : Tags.empty())
                      .register(registry));
    }
    counter.increment();
  }
}
