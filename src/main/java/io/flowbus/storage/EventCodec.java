package io.flowbus.storage;

import io.flowbus.model.RunEvent;
import io.flowbus.model.RunPlan;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Journal lines for run events: each line holds the event's time ({@code at}) and {@code type}, and
 * the fields of its family ({@link CreationCodec}, {@link RunLevelCodec}, {@link TaskLevelCodec}).
 * Secrets never reach a line: a created event keeps {@code ***} in their place, and the spawn
 * entries of a stage are referred to, not copied.
 */
public final class EventCodec {
  private EventCodec() {}

  /** Resolves what a journal line refers to but does not hold. */
  public interface References {
    RunPlan plan(String definitionsVersion, String jobId) throws Exception;

    Map<String, String> secrets(String runId) throws Exception;

    List<Map<String, String>> spawnEntries(String runId, int stage) throws Exception;
  }

  public static JsonObject encode(RunEvent event) {
    JsonObject json = new JsonObject().put("at", event.at().toString());
    if (event instanceof RunEvent.Created e) {
      return CreationCodec.encode(e, json);
    }
    JsonObject line = TaskLevelCodec.encode(event, json);
    if (line == null) {
      line = RunLevelCodec.encode(event, json);
    }
    if (line == null) {
      throw new IllegalArgumentException("unknown event " + event);
    }
    return line;
  }

  public static RunEvent decode(JsonObject json, String runId, References refs) throws Exception {
    Instant at = Instant.parse(json.getString("at"));
    String type = json.getString("type", "");
    if (type.equals("created")) {
      return CreationCodec.decode(json, at, refs);
    }
    RunEvent event = TaskLevelCodec.decode(type, json, at, runId, refs);
    if (event == null) {
      event = RunLevelCodec.decode(type, json, at);
    }
    if (event == null) {
      throw new IllegalArgumentException("unknown journal event type '" + type + "'");
    }
    return event;
  }
}
