package io.flowbus.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file {@code --api-keys-file} names: one {@code <key> <role>} per line, roles {@code read},
 * {@code operate} or {@code admin}. A {@code #} at the start of a line or after a space starts a
 * comment; blank lines are skipped. Errors name the file and the line but never quote it, since it
 * holds keys.
 */
final class ApiKeysFile {
  /** A key's role and the line that gave it. */
  record Entry(AccessRole role, int line) {}

  private final String source;

  private ApiKeysFile(String source) {
    this.source = source;
  }

  /** The keys of {@code file}, by key, in the file's order. */
  static Map<String, Entry> read(Path file) {
    String source = "--api-keys-file " + file;
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(source + " does not exist", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(source + " cannot be read: " + e.getMessage(), e);
    }
    return parse(source, lines);
  }

  /**
   * The keys of {@code lines}; {@code source} names them in errors. Throws {@link
   * IllegalArgumentException} for a bad line or when no line holds a key.
   */
  static Map<String, Entry> parse(String source, List<String> lines) {
    ApiKeysFile file = new ApiKeysFile(source);
    Map<String, Entry> keys = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = withoutComment(lines.get(i)).strip();
      if (!text.isEmpty()) {
        file.add(keys, text.split("\\s+"), i + 1);
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          source + " holds no key: each line must be '<key> <role>'");
    }
    return keys;
  }

  private void add(Map<String, Entry> keys, String[] words, int line) {
    if (words.length != 2) {
      throw error(
          line,
          words.length == 1
              ? "a key needs a role after it: '<key> <role>'"
              : "a line is '<key> <role>', this one has " + words.length + " words");
    }
    AccessRole role;
    try {
      role = AccessRole.parse(words[1]);
    } catch (IllegalArgumentException e) {
      throw error(line, e.getMessage());
    }
    Entry earlier = keys.putIfAbsent(words[0], new Entry(role, line));
    if (earlier != null && earlier.role() != role) {
      throw error(
          line,
          "this key is also on line "
              + earlier.line()
              + ", as "
              + earlier.role().wireName()
              + " there and "
              + role.wireName()
              + " here");
    }
  }

  IllegalArgumentException error(int line, String message) {
    return new IllegalArgumentException(source + " line " + line + ": " + message);
  }

  private static String withoutComment(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
