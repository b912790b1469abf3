package io.flowbus.model;

/** The state of a stage or of a task instance. */
public enum TaskState {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  /** A stage that never ran because a stage it depends on failed or was skipped. */
  SKIPPED;

  public boolean ended() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == SKIPPED;
  }
}
