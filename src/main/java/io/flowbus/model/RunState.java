package io.flowbus.model;

/** The state of a run. */
public enum RunState {
  CREATED,
  RUNNING,
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
    return this != CREATED && this != RUNNING;
  }
}
