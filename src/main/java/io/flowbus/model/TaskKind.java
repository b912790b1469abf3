package io.flowbus.model;

import java.util.Locale;

/**
 * A spawn task writes a stage's {@code spawn.json}; a task is one instance of the stage's class.
 */
public enum TaskKind {
  SPAWN,
  TASK;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
