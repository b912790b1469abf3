package io.flowbus.model;

/**
 * One attempt of one task of one run, written {@code <run>/<task>#<attempt>}: the one place that
 * builds and parses that string.
 */
public record AttemptKey(String runId, String taskId, int attempt) {

  public static AttemptKey of(TaskRun task, int attempt) {
    return new AttemptKey(task.runId(), task.id(), attempt);
  }

  /** The key {@code text} writes; IllegalArgumentException if it is not one. */
  public static AttemptKey parse(String text) {
    int slash = text.indexOf('/');
    int hash = text.lastIndexOf('#');
    if (slash <= 0 || hash < slash + 2) {
      throw new IllegalArgumentException("not an attempt key: " + text);
    }
    try {
      return new AttemptKey(
          text.substring(0, slash),
          text.substring(slash + 1, hash),
          Integer.parseInt(text.substring(hash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an attempt key: " + text, e);
    }
  }

  /** The task, whatever the attempt: {@code <run>/<task>}. */
  public String taskKey() {
    return runId + "/" + taskId;
  }

  @Override
  public String toString() {
    return taskKey() + "#" + attempt;
  }
}
