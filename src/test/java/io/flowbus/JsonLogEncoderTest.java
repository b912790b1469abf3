package io.flowbus;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** A JSON log line carries the ids as top-level fields: {@code jq .run_id} finds them. */
class JsonLogEncoderTest {
  private final Logger logger =
      ((LoggerContext) LoggerFactory.getILoggerFactory())
          .getLogger("io.flowbus.controller.RunEffects");
  private final JsonLogEncoder encoder = new JsonLogEncoder();

  @Test
  void keyValuePairsAreTopLevelFieldsBesideTheMessage() {
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            Level.INFO,
            "run {} of job {}: {}",
            null,
            new Object[] {"r-1", "single", "SUCCEEDED"});
    event.addKeyValuePair(new KeyValuePair("run_id", "r-1"));
    event.addKeyValuePair(new KeyValuePair("task_id", "s0-t0"));
    event.addKeyValuePair(new KeyValuePair("job", "single"));
    event.addKeyValuePair(new KeyValuePair("level", "not the level"));

    String text = new String(encoder.encode(event), StandardCharsets.UTF_8);
    JsonObject line = new JsonObject(text);

    assertThat(text).endsWith("}\n").doesNotContain("kvpList");
    assertThat(line.getString("run_id")).isEqualTo("r-1");
    assertThat(line.getString("task_id")).isEqualTo("s0-t0");
    assertThat(line.getString("job")).isEqualTo("single");
    assertThat(line.getString("level")).isEqualTo("INFO");
    assertThat(line.getString("formattedMessage")).isEqualTo("run r-1 of job single: SUCCEEDED");
    assertThat(line.getString("loggerName")).isEqualTo("io.flowbus.controller.RunEffects");
    assertThat(line.getLong("timestamp")).isPositive();
  }

  @Test
  void aThrowableIsItsStackTraceAndQuotesAreEscaped() {
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            Level.ERROR,
            "failed: \"{}\"",
            new IllegalStateException("boom"),
            new Object[] {"x\ny"});

    JsonObject line = new JsonObject(new String(encoder.encode(event), StandardCharsets.UTF_8));

    assertThat(line.getString("formattedMessage")).isEqualTo("failed: \"x\ny\"");
    assertThat(line.getString("throwable"))
        .startsWith("java.lang.IllegalStateException: boom")
        .contains("JsonLogEncoderTest");
  }
}
