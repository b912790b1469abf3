package io.flowbus.worker;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux calls the errors an exec can end with: {@code flowbus-session} says "failed to execute
 * PROGRAM: errno N" (it has no libc to say it in words), the node tells users the words.
 */
final class ExecErrors {
  private static final Pattern ERRNO = Pattern.compile("errno (\\d+)");

  /** What Linux calls the errors an exec can end with (errno(3)). */
  private static final Map<Integer, String> EXEC_ERRORS =
      Map.ofEntries(
          Map.entry(1, "Operation not permitted"),
          Map.entry(2, "No such file or directory"),
          Map.entry(5, "Input/output error"),
          Map.entry(7, "Argument list too long"),
          Map.entry(8, "Exec format error"),
          Map.entry(12, "Cannot allocate memory"),
          Map.entry(13, "Permission denied"),
          Map.entry(14, "Bad address"),
          Map.entry(20, "Not a directory"),
          Map.entry(21, "Is a directory"),
          Map.entry(22, "Invalid argument"),
          Map.entry(23, "Too many open files in system"),
          Map.entry(24, "Too many open files"),
          Map.entry(26, "Text file busy"),
          Map.entry(36, "File name too long"),
          Map.entry(40, "Too many levels of symbolic links"),
          Map.entry(80, "Accessing a corrupted shared library"));

  private ExecErrors() {}

  /**
   * Why the launcher could not execute its program, from its message ("errno 13"), in the words of
   * Linux ("Permission denied"); the text as it is when it is no such message.
   */
  static String reason(String said) {
    Matcher m = ERRNO.matcher(said);
    if (!m.matches()) {
      return said;
    }
    String known = EXEC_ERRORS.get(Integer.parseInt(m.group(1)));
    return known != null ? known : said;
  }
}
