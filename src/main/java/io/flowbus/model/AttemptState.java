package io.flowbus.model;

/** How one attempt of a task ended; LOST when its worker left the cluster or handed it back. */
public enum AttemptState {
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  LOST
}
