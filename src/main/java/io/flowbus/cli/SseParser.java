package io.flowbus.cli;

import java.util.function.BiConsumer;

/**
 * Server-Sent Events from their lines: {@code event:} and {@code data:} fields, an event per blank
 * line; comments (keep-alives) and other fields are skipped.
 */
final class SseParser {
  private final BiConsumer<String, String> onEvent;
  private String type = "message";
  private StringBuilder data;

  SseParser(BiConsumer<String, String> onEvent) {
    this.onEvent = onEvent;
  }

  void line(String line) {
    if (line.isEmpty()) {
      if (data != null) {
        onEvent.accept(type, data.toString());
      }
      type = "message";
      data = null;
    } else if (line.startsWith("event:")) {
      type = value(line, 6);
    } else if (line.startsWith("data:")) {
      data = data == null ? new StringBuilder() : data.append('\n');
      data.append(value(line, 5));
    }
  }

  private static String value(String line, int from) {
    return line.startsWith(" ", from) ? line.substring(from + 1) : line.substring(from);
  }
}
