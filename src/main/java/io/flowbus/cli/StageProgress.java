package io.flowbus.cli;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * One stage as last seen, with its rate: the instances done since it was first seen, over the time
 * from then to its last change.
 *
 * @param done instances that ended: succeeded, failed, cancelled or skipped
 * @param firstSeen when the stage was first seen running
 * @param doneAtFirstSeen {@code done} then
 * @param lastChange when {@code done} last changed
 */
record StageProgress(
    int index,
    String name,
    String state,
    long total,
    long done,
    long failed,
    long running,
    Instant firstSeen,
    long doneAtFirstSeen,
    Instant lastChange) {
  /** A rate measured over less time than this says more about chance than about the stage. */
  static final Duration MIN_WINDOW = Duration.ofSeconds(1);

  /** The stage as {@code json} shows it at {@code now}, after {@code before} (null: first seen). */
  static StageProgress of(JsonObject json, StageProgress before, Instant now) {
    JsonObject tasks = json.getJsonObject("tasks", new JsonObject());
    long failed = tasks.getLong("failed", 0L);
    long done =
        tasks.getLong("succeeded", 0L)
            + failed
            + tasks.getLong("cancelled", 0L)
            + tasks.getLong("skipped", 0L);
    String state = json.getString("state", "PENDING");
    boolean seen = before != null && before.firstSeen() != null;
    Instant first = seen ? before.firstSeen() : state.equals("PENDING") ? null : now;
    long doneAtFirst = seen ? before.doneAtFirstSeen() : done;
    Instant changed = before == null || before.done() != done ? now : before.lastChange();
    return new StageProgress(
        json.getInteger("index", 0),
        json.getString("name", "stage " + json.getInteger("index", 0)),
        state,
        tasks.getLong("total", 0L),
        done,
        failed,
        tasks.getLong("running", 0L),
        first,
        doneAtFirst,
        changed);
  }

  /**
   * Instances done per second since the stage was first seen, or a negative number while unknown
   * (less than {@link #MIN_WINDOW} measured) or meaningless (a stage of one task).
   */
  double rate() {
    if (firstSeen == null || done <= doneAtFirstSeen || total <= 1) {
      return -1;
    }
    long millis = Duration.between(firstSeen, lastChange).toMillis();
    return millis < MIN_WINDOW.toMillis() ? -1 : (done - doneAtFirstSeen) * 1000.0 / millis;
  }

  /** The time left at the present rate, or null while unknown or once nothing is left. */
  Duration eta() {
    double rate = rate();
    long left = total - done;
    if (rate <= 0 || left <= 0 || !state.equals("RUNNING")) {
      return null;
    }
    return Duration.ofSeconds((long) Math.ceil(left / rate));
  }

  /** What a plain line is printed again for: not the rate, which moves with the clock. */
  String change() {
    return state + " " + done + "/" + total + " " + failed;
  }
}
