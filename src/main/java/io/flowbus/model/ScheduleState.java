package io.flowbus.model;

import java.time.Instant;

/**
 * Where a schedule stands, as its events tell: changes only through {@link #apply}.
 *
 * @param since due times after it are still to fire (null until the schedule is armed): the last
 *     due time handled, or when it was armed or resumed, whichever is latest
 * @param lastFireAt the last due time that fired, or when it was last triggered by hand
 * @param lastRun the run the schedule started last; null if none
 * @param pending a due time that fired and whose run is not known to exist yet; null if none
 * @param fingerprint the {@link ScheduleDef#fingerprint} of the definition it was armed with
 */
public record ScheduleState(
    Instant since,
    Instant lastFireAt,
    String lastRun,
    boolean paused,
    ScheduleEvent.Fired pending,
    String fingerprint) {

  public static final ScheduleState NEW = new ScheduleState(null, null, null, false, null, null);

  public boolean armed() {
    return since != null;
  }

  public ScheduleState apply(ScheduleEvent event) {
    if (event instanceof ScheduleEvent.Snapshot e) {
      return e.state();
    } else if (event instanceof ScheduleEvent.Armed e) {
      return new ScheduleState(
          later(since, e.at()), lastFireAt, lastRun, paused, pending, e.fingerprint());
    } else if (event instanceof ScheduleEvent.Removed) {
      return new ScheduleState(null, lastFireAt, lastRun, paused, pending, null);
    } else if (event instanceof ScheduleEvent.Fired e) {
      return new ScheduleState(later(since, e.dueAt()), e.dueAt(), lastRun, paused, e, fingerprint);
    } else if (event instanceof ScheduleEvent.RunStarted e) {
      boolean byHand = e.dueAt() == null;
      return new ScheduleState(
          since,
          byHand ? e.at() : lastFireAt,
          e.runId(),
          paused,
          settles(e.dueAt()) ? null : pending,
          fingerprint);
    } else if (event instanceof ScheduleEvent.Skipped e) {
      return new ScheduleState(
          later(since, e.dueAt()),
          lastFireAt,
          lastRun,
          paused,
          settles(e.dueAt()) ? null : pending,
          fingerprint);
    } else if (event instanceof ScheduleEvent.Paused) {
      return new ScheduleState(since, lastFireAt, lastRun, true, pending, fingerprint);
    } else {
      ScheduleEvent.Resumed e = (ScheduleEvent.Resumed) event;
      return new ScheduleState(
          later(since, e.at()), lastFireAt, lastRun, false, pending, fingerprint);
    }
  }

  /**
   * Notes a run the schedule started that its journal may not name (created just before a crash).
   */
  public ScheduleState withRun(String runId) {
    return new ScheduleState(since, lastFireAt, runId, paused, pending, fingerprint);
  }

  private boolean settles(Instant dueAt) {
    return pending != null && pending.dueAt().equals(dueAt);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }
}
