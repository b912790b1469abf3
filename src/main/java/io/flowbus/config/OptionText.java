package io.flowbus.config;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Reading the text of options: each problem names the option. */
final class OptionText {
  private OptionText() {}

  /** Parses an option's text, naming the option when it is bad. */
  static <T> T named(String option, String text, Function<String, T> parser) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  static int checkPort(String option, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(option + " must be a port from 1 to 65535, not " + port);
    }
    return port;
  }

  static List<String> list(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.trim();
  }
}
