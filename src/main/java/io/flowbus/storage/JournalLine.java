package io.flowbus.storage;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * One journal line: the CRC32C of the JSON text as 8 hex digits, a space, then the JSON text, so
 * that a line changed after it was written is told from one a crash cut short. Lines written before
 * checksums (plain JSON, starting with <code>{</code>) are read as they are.
 */
public final class JournalLine {
  private static final Pattern CHECKED = Pattern.compile("[0-9a-f]{8} \\{.*", Pattern.DOTALL);

  private JournalLine() {}

  /** The line for {@code json} (one line of JSON text), without its newline. */
  public static String encode(String json) {
    return checksum(json) + " " + json;
  }

  /** The JSON text of {@code line} (without its newline); throws if the line is not intact. */
  public static String decode(String line) throws CorruptLineException {
    if (line.startsWith("{")) {
      return line; // written before lines carried a checksum
    }
    if (!CHECKED.matcher(line).matches()) {
      throw new CorruptLineException("not a journal line (" + describe(line) + ")");
    }
    String json = line.substring(9);
    String expected = line.substring(0, 8);
    String actual = checksum(json);
    if (!expected.equals(actual)) {
      throw new CorruptLineException(
          "checksum " + actual + " does not match the line's " + expected + ": it was altered");
    }
    return json;
  }

  private static String checksum(String json) {
    CRC32C crc = new CRC32C();
    crc.update(json.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().toHexDigits((int) crc.getValue());
  }

  private static String describe(String line) {
    String start = line.length() > 24 ? line.substring(0, 24) + "..." : line;
    return line.length() + " characters starting '" + start.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  /** A line that is whole (it ends with a newline) but not what was written. */
  public static final class CorruptLineException extends Exception {
    private static final long serialVersionUID = 1L;

    CorruptLineException(String message) {
      super(message);
    }
  }
}
