package io.flowbus.api;

import java.nio.charset.StandardCharsets;

/**
 * The text of a header value: HTTP hands its bytes over one char each (ISO-8859-1); clients send
 * text in UTF-8, so that is how the bytes are read.
 */
final class HeaderText {
  private HeaderText() {}

  /** {@code value}'s bytes read as UTF-8; null when they are not UTF-8. */
  static String utf8(String value) {
    if (value == null || value.chars().allMatch(c -> c < 0x80)) {
      return value;
    }
    return Utf8.decode(value.getBytes(StandardCharsets.ISO_8859_1));
  }
}
