package io.flowbus.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The raw text of a query string, as the client sent it. */
final class QueryText {
  private QueryText() {}

  /**
   * Whether {@code query}, its %-escapes turned into the bytes they stand for, is UTF-8; a
   * malformed escape counts as not (the router refuses those before this is asked).
   */
  static boolean isUtf8(String query) {
    if (query == null) {
      return true;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(query.length());
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c == '%' && i + 2 < query.length()) {
        int hi = Character.digit(query.charAt(i + 1), 16);
        int lo = Character.digit(query.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return false;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(plain, 0, plain.length);
      }
    }
    return Utf8.decode(bytes.toByteArray()) != null;
  }
}
