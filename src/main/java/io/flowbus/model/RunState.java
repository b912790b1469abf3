package io.flowbus.model;

/** The state of a run. */
public enum RunState {
  CREATED,
  RUNNING,
  /**
   * No new task of it is given out; tasks that run go on and their results are kept. Resumed, it is
   * RUNNING again; it may also end from here once nothing is left to start.
   */
  PAUSED,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  /**
   * Its journal cannot be replayed (a corrupt line, an unreadable file): the run is shown with the
   * reason, never resumed and never written to again; it can only be deleted.
   */
  DAMAGED;

  /** Whether nothing more happens to the run: it can be listed as ended and deleted. */
  public boolean ended() {
    return this != CREATED && this != RUNNING && this != PAUSED;
  }

  /** Whether the run has started and not ended: its tasks run, or wait to be given out. */
  public boolean active() {
    return this == RUNNING || this == PAUSED;
  }
}
