package io.flowbus.testing;

import java.util.function.Consumer;

/** What the JSON asserts share. */
final class JsonAsserts {
  private JsonAsserts() {}

  /** Fails through {@code fail} unless {@code text} contains every part. */
  static void contains(Consumer<String> fail, String what, String text, String... parts) {
    for (String part : parts) {
      if (text == null || !text.contains(part)) {
        fail.accept(what + " containing '" + part + "' but it was " + text);
      }
    }
  }
}
