package io.flowbus.testing;

import io.flowbus.storage.JournalLine;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a run's journal as a test sees it: the events of its whole lines, each one intact. */
public final class JournalEvents {
  private JournalEvents() {}

  public static Path journal(Path dataDir, String runId) {
    return dataDir.resolve("meta").resolve(runId).resolve("journal.jsonl");
  }

  /** Every event of the journal's complete lines (a torn last line is left out). */
  public static List<JsonObject> of(Path dataDir, String runId) throws IOException {
    String text = Files.readString(journal(dataDir, runId), StandardCharsets.UTF_8);
    List<JsonObject> events = new ArrayList<>();
    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
      if (!line.isEmpty()) {
        try {
          events.add(new JsonObject(JournalLine.decode(line)));
        } catch (JournalLine.CorruptLineException e) {
          throw new IOException("journal of run " + runId + ": " + e.getMessage(), e);
        }
      }
    }
    return events;
  }

  /** The ids of the tasks (spawn tasks left out) whose success the journal holds. */
  public static List<String> succeededTasks(Path dataDir, String runId) throws IOException {
    return of(dataDir, runId).stream()
        .filter(e -> "task_ended".equals(e.getString("type")))
        .filter(e -> "SUCCEEDED".equals(e.getString("outcome")))
        .map(e -> e.getString("task"))
        .filter(t -> !t.endsWith("spawn"))
        .toList();
  }
}
