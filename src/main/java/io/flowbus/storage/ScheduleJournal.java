package io.flowbus.storage;

import io.flowbus.model.ScheduleEvent;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schedules' journal ({@link DataLayout#scheduleJournal}): one checksummed line per {@link
 * ScheduleEvent}, written through the same {@link JournalWriter} as the runs' journals, so a line
 * is durable when its append completes and a line torn by a crash is cut off before the next one.
 */
public final class ScheduleJournal {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduleJournal.class);

  private final Path file;
  private final JournalWriter writer;

  public ScheduleJournal(DataLayout layout, JournalWriter writer) {
    this.file = layout.scheduleJournal();
    this.writer = writer;
  }

  public CompletableFuture<Void> append(ScheduleEvent event) {
    return writer.append(file, encode(event).encode());
  }

  /**
   * The events in the order written. A torn last line is left out (the next append cuts it); a line
   * altered elsewhere is left out and logged: the events around it still count.
   */
  public List<ScheduleEvent> load() throws IOException {
    List<ScheduleEvent> events = new ArrayList<>();
    if (!Files.exists(file)) {
      return events;
    }
    String text = Files.readString(file, StandardCharsets.UTF_8);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) { // the last piece is empty or torn
      try {
        events.add(decode(new JsonObject(JournalLine.decode(lines[i]))));
      } catch (JournalLine.CorruptLineException | RuntimeException e) {
        LOG.error("schedule journal line {} is corrupt and left out: {}", i + 1, e.getMessage());
      }
    }
    return events;
  }

  static JsonObject encode(ScheduleEvent event) {
    JsonObject json =
        new JsonObject().put("at", event.at().toString()).put("schedule", event.schedule());
    if (event instanceof ScheduleEvent.Armed e) {
      return json.put("type", "armed").put("fingerprint", e.fingerprint());
    } else if (event instanceof ScheduleEvent.Removed) {
      return json.put("type", "removed");
    } else if (event instanceof ScheduleEvent.Fired e) {
      return json.put("type", "fired").put("due_at", e.dueAt().toString()).put("job", e.job());
    } else if (event instanceof ScheduleEvent.RunStarted e) {
      return json.put("type", "run")
          .put("due_at", e.dueAt() == null ? null : e.dueAt().toString())
          .put("run", e.runId());
    } else if (event instanceof ScheduleEvent.Skipped e) {
      return json.put("type", "skipped")
          .put("due_at", e.dueAt().toString())
          .put("reason", e.reason());
    } else if (event instanceof ScheduleEvent.Paused) {
      return json.put("type", "paused");
    } else {
      return json.put("type", "resumed");
    }
  }

  static ScheduleEvent decode(JsonObject json) {
    Instant at = Instant.parse(json.getString("at"));
    String schedule = json.getString("schedule");
    String dueText = json.getString("due_at");
    Instant dueAt = dueText == null ? null : Instant.parse(dueText);
    return switch (json.getString("type", "")) {
      case "armed" -> new ScheduleEvent.Armed(at, schedule, json.getString("fingerprint"));
      case "removed" -> new ScheduleEvent.Removed(at, schedule);
      case "fired" -> new ScheduleEvent.Fired(at, schedule, dueAt, json.getString("job"));
      case "run" -> new ScheduleEvent.RunStarted(at, schedule, dueAt, json.getString("run"));
      case "skipped" -> new ScheduleEvent.Skipped(at, schedule, dueAt, json.getString("reason"));
      case "paused" -> new ScheduleEvent.Paused(at, schedule);
      case "resumed" -> new ScheduleEvent.Resumed(at, schedule);
      default -> throw new IllegalArgumentException("unknown event " + json.getString("type"));
    };
  }
}
