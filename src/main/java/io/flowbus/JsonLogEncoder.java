package io.flowbus;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log line, with the key-value pairs of the event ({@code run_id}, {@code
 * task_id}, {@code job}) and its MDC as top-level fields, so that {@code jq .run_id} and log stores
 * find them. Logback's own JsonEncoder nests them in a {@code kvpList} array.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  private static final Set<String> FIXED =
      Set.of("timestamp", "level", "threadName", "loggerName", "formattedMessage", "throwable");

  @Override
  public byte[] headerBytes() {
    return new byte[0];
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    JsonObject line =
        new JsonObject()
            .put("timestamp", event.getTimeStamp())
            .put("level", event.getLevel().toString())
            .put("threadName", event.getThreadName())
            .put("loggerName", event.getLoggerName())
            .put("formattedMessage", event.getFormattedMessage());
    for (Map.Entry<String, String> e : event.getMDCPropertyMap().entrySet()) {
      field(line, e.getKey(), e.getValue());
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        field(line, pair.key, pair.value);
      }
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.put("throwable", ThrowableProxyUtil.asString(thrown));
    }
    return (line.encode() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** A field of the event, unless it would hide one of the fixed ones. */
  private static void field(JsonObject line, String key, Object value) {
    if (key == null || FIXED.contains(key)) {
      return;
    }
    line.put(
        key,
        value == null || value instanceof Number || value instanceof Boolean
            ? value
            : value.toString());
  }

  @Override
  public byte[] footerBytes() {
    return new byte[0];
  }
}
