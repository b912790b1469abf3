package io.flowbus.model;

/** The state of a run. */
public enum RunState {
  CREATED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean ended() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
