package io.flowbus.cli;

import java.util.Locale;

/** What a command does to a run, as one {@code POST /api/runs/{id}/<action>}. */
enum RunAction {
  CANCEL("Cancels a run: pending tasks are cancelled, running ones stopped."),
  PAUSE("Pauses a run: no new task starts; running ones finish and count."),
  RESUME("Resumes a paused run."),
  RETRY("Runs again what did not succeed in a failed or cancelled run.");

  private final String description;

  RunAction(String description) {
    this.description = description;
  }

  String command() {
    return name().toLowerCase(Locale.ROOT);
  }

  String description() {
    return description;
  }
}
