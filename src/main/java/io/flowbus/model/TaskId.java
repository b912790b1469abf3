package io.flowbus.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The id of a task instance within its run: {@code s<stage>-t<index>} for an instance of the
 * stage's task class, {@code s<stage>-spawn} for its spawn task. The one place that builds and
 * parses the string.
 *
 * @param index the instance's position among the stage's spawn entries; -1 for the spawn task
 */
public record TaskId(int stage, int index) implements Comparable<TaskId> {
  private static final Pattern FORMAT = Pattern.compile("s(\\d{1,6})-(?:t(\\d{1,9})|spawn)");

  public static TaskId task(int stage, int index) {
    return new TaskId(stage, index);
  }

  public static TaskId spawn(int stage) {
    return new TaskId(stage, -1);
  }

  /** The task id {@code text} names, or empty if it is not one. */
  public static Optional<TaskId> parse(String text) {
    Matcher m = text == null ? null : FORMAT.matcher(text);
    if (m == null || !m.matches()) {
      return Optional.empty();
    }
    int stage = Integer.parseInt(m.group(1));
    return Optional.of(
        m.group(2) == null ? spawn(stage) : task(stage, Integer.parseInt(m.group(2))));
  }

  /**
   * The task id {@code text} names if it is written as {@link #toString} writes it (no leading
   * zeros); else null. Quicker than {@link #parse}: a task is looked up by id for each of its
   * events.
   */
  public static TaskId parseCanonical(String text) {
    if (text == null || text.length() < 4 || text.charAt(0) != 's') {
      return null;
    }
    int dash = text.indexOf('-', 1);
    int stage = digits(text, 1, dash, 6);
    if (stage < 0) {
      return null;
    }
    if (text.length() - dash == 6 && text.startsWith("spawn", dash + 1)) {
      return spawn(stage);
    }
    if (dash + 1 >= text.length() || text.charAt(dash + 1) != 't') {
      return null;
    }
    int index = digits(text, dash + 2, text.length(), 9);
    return index < 0 ? null : task(stage, index);
  }

  /** The number written from {@code from} to {@code to}, at most {@code max} digits; else -1. */
  private static int digits(String text, int from, int to, int max) {
    int length = to - from;
    if (length < 1 || length > max || (length > 1 && text.charAt(from) == '0')) {
      return -1;
    }
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  public static boolean isValid(String text) {
    return parse(text).isPresent();
  }

  public boolean isSpawn() {
    return index < 0;
  }

  /** Tasks come by stage, the spawn task first, then by index. */
  @Override
  public int compareTo(TaskId other) {
    return stage != other.stage
        ? Integer.compare(stage, other.stage)
        : Integer.compare(index, other.index);
  }

  @Override
  public String toString() {
    return isSpawn() ? "s" + stage + "-spawn" : "s" + stage + "-t" + index;
  }
}
