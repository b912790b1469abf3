package io.flowbus.storage;

import io.flowbus.model.ScheduleEvent;
import io.flowbus.model.ScheduleState;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
    long whole = wholeLinesLength();
    long read = 0;
    int number = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        read += line.getBytes(StandardCharsets.UTF_8).length + 1;
        if (read > whole) {
          break; // the last line is torn: the next append cuts it
        }
        try {
          events.add(decode(new JsonObject(JournalLine.decode(line))));
        } catch (JournalLine.CorruptLineException | RuntimeException e) {
          LOG.error("schedule journal line {} is corrupt and left out: {}", number, e.getMessage());
        }
      }
    }
    return events;
  }

  /**
   * Loads the events and, if they are more than {@code factor} times as many as the schedules they
   * are about (plus a margin), replaces the journal by one {@link ScheduleEvent.Snapshot} per
   * schedule: written to a new file, forced to disk, then moved over the journal once the writer
   * closed it. Call it only while nothing else appends (at takeover).
   *
   * @return the events to replay: the snapshots if it compacted, else those read
   */
  public List<ScheduleEvent> loadCompacting(int factor) throws IOException {
    List<ScheduleEvent> events = load();
    Map<String, ScheduleState> states = new LinkedHashMap<>();
    Map<String, Instant> lastAt = new LinkedHashMap<>();
    for (ScheduleEvent e : events) {
      states.put(e.schedule(), states.getOrDefault(e.schedule(), ScheduleState.NEW).apply(e));
      lastAt.put(e.schedule(), e.at());
    }
    if (events.size() <= factor * states.size() + 64) {
      return events;
    }
    List<ScheduleEvent> snapshots = new ArrayList<>();
    states.forEach(
        (id, state) -> snapshots.add(new ScheduleEvent.Snapshot(lastAt.get(id), id, state)));
    Path next = file.resolveSibling(file.getFileName() + ".compact");
    writeForced(next, snapshots);
    try {
      writer
          .execute(
              file,
              () ->
                  Files.move(
                      next,
                      file,
                      StandardCopyOption.ATOMIC_MOVE,
                      StandardCopyOption.REPLACE_EXISTING))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while compacting the schedule journal", e);
    } catch (ExecutionException e) {
      throw new IOException("cannot compact the schedule journal", e.getCause());
    }
    LOG.info("schedule journal compacted: {} events to {}", events.size(), snapshots.size());
    return snapshots;
  }

  /** Writes {@code events} as journal lines to {@code target}, forced to disk. */
  private static void writeForced(Path target, List<ScheduleEvent> events) throws IOException {
    StringBuilder text = new StringBuilder();
    events.forEach(e -> text.append(JournalLine.encode(encode(e).encode())).append('\n'));
    try (FileChannel channel =
        FileChannel.open(
            target,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
  }

  /** The length of the file up to and with its last newline. */
  private long wholeLinesLength() throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer one = ByteBuffer.allocate(1);
      for (long at = size - 1; at >= 0; at--) {
        one.clear();
        channel.read(one, at);
        if (one.get(0) == '\n') {
          return at + 1;
        }
      }
      return 0;
    }
  }

  static JsonObject encode(ScheduleEvent event) {
    JsonObject json =
        new JsonObject().put("at", event.at().toString()).put("schedule", event.schedule());
    if (event instanceof ScheduleEvent.Armed e) {
      return json.put("type", "armed").put("fingerprint", e.fingerprint());
    } else if (event instanceof ScheduleEvent.Removed) {
      return json.put("type", "removed");
    } else if (event instanceof ScheduleEvent.Snapshot e) {
      return json.put("type", "state").put("state", encodeState(e.state()));
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
      case "state" ->
          new ScheduleEvent.Snapshot(at, schedule, decodeState(json.getJsonObject("state")));
      case "fired" -> new ScheduleEvent.Fired(at, schedule, dueAt, json.getString("job"));
      case "run" -> new ScheduleEvent.RunStarted(at, schedule, dueAt, json.getString("run"));
      case "skipped" -> new ScheduleEvent.Skipped(at, schedule, dueAt, json.getString("reason"));
      case "paused" -> new ScheduleEvent.Paused(at, schedule);
      case "resumed" -> new ScheduleEvent.Resumed(at, schedule);
      default -> throw new IllegalArgumentException("unknown event " + json.getString("type"));
    };
  }

  private static JsonObject encodeState(ScheduleState s) {
    return new JsonObject()
        .put("since", text(s.since()))
        .put("last_fire_at", text(s.lastFireAt()))
        .put("last_run", s.lastRun())
        .put("paused", s.paused())
        .put("pending", s.pending() == null ? null : encode(s.pending()))
        .put("fingerprint", s.fingerprint());
  }

  private static ScheduleState decodeState(JsonObject json) {
    JsonObject pending = json.getJsonObject("pending");
    return new ScheduleState(
        instant(json.getString("since")),
        instant(json.getString("last_fire_at")),
        json.getString("last_run"),
        json.getBoolean("paused", false),
        pending == null ? null : (ScheduleEvent.Fired) decode(pending),
        json.getString("fingerprint"));
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
