package io.flowbus.api;

import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * Headers that keep a task-written file from acting as a page of the web UI's origin: the browser
 * saves it instead of rendering it, never sniffs a type, and runs no script even if opened.
 */
final class DownloadHeaders {
  static final String CSP = "sandbox; default-src 'none'";

  private DownloadHeaders() {}

  /** A file download: saved as an attachment under its own name. */
  static void file(HttpServerResponse response, String name) {
    inert(response);
    response.putHeader("Content-Disposition", attachment(name));
  }

  /** A task's log: shown as plain text only. */
  static void log(HttpServerResponse response) {
    inert(response);
    response.putHeader("Content-Type", "text/plain; charset=utf-8");
  }

  private static void inert(HttpServerResponse response) {
    response.putHeader("Content-Security-Policy", CSP);
    response.putHeader("X-Content-Type-Options", "nosniff");
  }

  /**
   * {@code attachment; filename="..."} (RFC 6266) with an ASCII fallback, plus {@code filename*} in
   * RFC 5987 UTF-8 encoding when the name is not plain printable ASCII.
   */
  static String attachment(String name) {
    StringBuilder ascii = new StringBuilder();
    boolean plain = true;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean printable = c >= 0x20 && c < 0x7f;
      plain &= printable;
      ascii.append(!printable ? '_' : c == '"' || c == '\\' ? '_' : c);
    }
    String header = "attachment; filename=\"" + ascii + "\"";
    return plain && ascii.toString().equals(name)
        ? header
        : header + "; filename*=UTF-8''" + rfc5987(name);
  }

  private static String rfc5987(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean attrChar =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$&+-.^_`|~".indexOf(c) >= 0;
      if (attrChar) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
