package io.flowbus.definitions;

import io.flowbus.model.FailureTolerance;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code tolerated_failures}: a whole number such as {@code 3} or a percentage {@code 5%}.
 */
final class FailureTolerances {
  private static final Pattern FORM = Pattern.compile("(\\d{1,9})(\\s*%)?");

  private FailureTolerances() {}

  /** The tolerance {@code text} spells; null if it spells none. */
  static FailureTolerance parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return null;
    }
    int value = Integer.parseInt(m.group(1));
    if (m.group(2) == null) {
      return FailureTolerance.count(value);
    }
    return value <= 100 ? FailureTolerance.percent(value) : null;
  }
}
