package io.flowbus.storage;

import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.Secrets;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Rebuilds a run from the bytes of its journal. A last line without its newline was torn by a crash
 * mid-write: it is left out (and cut from the file by the caller). Any other line that cannot be
 * read or applied, or a journal without a whole first line, makes the run {@code DAMAGED}, with the
 * line number and what was wrong as its error: replay never guesses past a bad line.
 */
final class JournalReplay {
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);
  private static final int MAX_DETAIL = 200;

  /**
   * @param run the run, DAMAGED if its journal cannot be replayed
   * @param wholeLength the length of the journal's whole lines
   * @param torn the bytes after them, of a last line torn by a crash
   */
  record Result(Run run, long wholeLength, long torn) {}

  private JournalReplay() {}

  /** What replay has rebuilt so far: the run (null before its first line) and its job's name. */
  private static final class SoFar {
    Run run;
    String job;
  }

  static Result replay(String runId, byte[] journal, EventCodec.References refs) {
    int whole = journal.length;
    while (whole > 0 && journal[whole - 1] != '\n') {
      whole--;
    }
    long torn = journal.length - whole;
    // decoded leniently: bytes that are not UTF-8 become U+FFFD and fail their line's checksum
    String[] lines = new String(journal, 0, whole, StandardCharsets.UTF_8).split("\n", -1);
    SoFar soFar = new SoFar();
    for (int i = 0; i < lines.length - 1; i++) {
      String problem = replayLine(soFar, i + 1, lines[i], runId, refs);
      if (problem != null) {
        return damaged(soFar.run, runId, soFar.job, problem);
      }
    }
    if (soFar.run == null) {
      String reason =
          torn > 0
              ? "the journal's only line was cut short by a crash"
              : "the journal is empty: it does not say how the run was created";
      return damaged(null, runId, null, reason);
    }
    String missing = missingSecrets(soFar.run);
    if (missing != null) {
      return damaged(soFar.run, runId, soFar.job, missing);
    }
    return new Result(soFar.run, whole, torn);
  }

  /** Reads line {@code number} and applies its event; says what is wrong with it, else null. */
  private static String replayLine(
      SoFar soFar, int number, String line, String runId, EventCodec.References refs) {
    if (line.isEmpty()) {
      // the writer never writes an empty line: one here is a line lost to corruption
      return "journal line " + number + " is corrupt: it is empty";
    }
    JsonObject json;
    try {
      json = new JsonObject(JournalLine.decode(line));
    } catch (JournalLine.CorruptLineException | DecodeException e) {
      return "journal line " + number + " is corrupt: " + detail(e);
    }
    if (soFar.run == null && json.getValue("job") instanceof String name) {
      soFar.job = name;
    }
    try {
      RunEvent event = EventCodec.decode(json, runId, refs);
      soFar.run = soFar.run == null ? first(runId, event) : applied(soFar.run, event);
    } catch (Exception e) {
      return "journal line " + number + " cannot be replayed: " + detail(e);
    }
    return null;
  }

  /**
   * A run that is to go on needs its secret inputs: without them (their file lost or never written)
   * it would run its tasks with the mask in their place.
   */
  private static String missingSecrets(Run run) {
    if (run.state().ended()) {
      return null; // its secrets were removed with its end, as they should be
    }
    for (String name : run.secretInputs()) {
      if (Secrets.MASK.equals(run.inputs().get(name))) {
        return "the secret input '" + name + "' of the run is missing: it cannot go on without it";
      }
    }
    return null;
  }

  /** A run whose journal cannot be read at all. */
  static Run unreadable(String runId, Exception e) {
    return Run.damaged(runId, null, createdAt(runId), "the journal cannot be read: " + detail(e));
  }

  private static Run first(String runId, RunEvent event) {
    if (!(event instanceof RunEvent.Created created)) {
      throw new IllegalStateException(
          "the first event must create the run, not " + event.getClass().getSimpleName());
    }
    if (!runId.equals(created.runId())) {
      throw new IllegalStateException("it creates run " + created.runId() + ", not " + runId);
    }
    return Run.create(created);
  }

  private static Run applied(Run run, RunEvent event) {
    run.apply(event);
    return run;
  }

  private static Result damaged(Run partial, String runId, String job, String reason) {
    Run run = partial;
    if (run == null) {
      run = Run.damaged(runId, job, createdAt(runId), reason);
    } else {
      run.damage(reason);
    }
    return new Result(run, 0, 0);
  }

  /** When the run was created, as its id tells; null for an id that does not say. */
  private static Instant createdAt(String runId) {
    try {
      return RUN_ID_TIME.parse(runId.substring(0, 19), Instant::from);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String detail(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.length() > MAX_DETAIL ? message.substring(0, MAX_DETAIL) + "..." : message;
  }
}
