package io.flowbus.worker;

import io.flowbus.storage.PrivateFiles;
import io.flowbus.storage.SecretBox;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code spawn.json} a spawn task wrote: a JSON array of objects whose values are
 * strings, numbers or booleans. Anything else fails the stage with a reason that says what is
 * wrong.
 */
final class SpawnFile {
  static final String NAME = "spawn.json";

  private SpawnFile() {}

  /** A spawn.json that cannot be used, with the reason. */
  static final class InvalidSpawnFileException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidSpawnFileException(String message) {
      super(message);
    }
  }

  static List<Map<String, String>> read(Path workspace, long limit)
      throws IOException, InvalidSpawnFileException {
    Path file = workspace.resolve(NAME);
    checkSize(file, limit);
    Object parsed;
    try {
      parsed = Json.parse(Files.readAllBytes(file));
    } catch (DecodeException e) {
      throw new InvalidSpawnFileException(NAME + " is malformed: " + clean(e.getMessage()));
    }
    if (!(parsed instanceof JsonArray array)) {
      throw new InvalidSpawnFileException(
          NAME + " must hold a JSON array of objects, not " + kind(parsed));
    }
    List<Map<String, String>> entries = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      entries.add(entry(array.getValue(i), i));
    }
    return entries;
  }

  /** The file is there, a regular file (not a link), neither empty nor over {@code limit}. */
  private static void checkSize(Path file, long limit)
      throws IOException, InvalidSpawnFileException {
    long size;
    try {
      // a task owns its workspace: a link there must not make the engine read what it may not
      var attributes =
          Files.readAttributes(
              file,
              java.nio.file.attribute.BasicFileAttributes.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        throw new InvalidSpawnFileException(NAME + " is not a regular file (a link or a folder)");
      }
      size = attributes.size();
    } catch (NoSuchFileException e) {
      throw new InvalidSpawnFileException(
          NAME + " is missing: the spawn task exited 0 without writing it in the run directory");
    }
    if (size > limit) {
      throw new InvalidSpawnFileException(
          NAME + " is too large: " + size + " bytes, the limit is " + limit + " bytes");
    }
    if (size == 0) {
      throw new InvalidSpawnFileException(NAME + " is empty: it must hold a JSON array of objects");
    }
  }

  private static Map<String, String> entry(Object value, int i) throws InvalidSpawnFileException {
    if (!(value instanceof JsonObject object)) {
      throw new InvalidSpawnFileException(
          NAME + " entry " + i + " must be an object, not " + kind(value));
    }
    Map<String, String> entry = new LinkedHashMap<>();
    for (Map.Entry<String, Object> field : object) {
      Object v = field.getValue();
      if (v instanceof Double || v instanceof Float) {
        // 1e3 is the number 1000, not "1000.0"
        entry.put(
            field.getKey(),
            new java.math.BigDecimal(v.toString()).stripTrailingZeros().toPlainString());
      } else if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        entry.put(field.getKey(), v.toString());
      } else if (v != null) {
        throw new InvalidSpawnFileException(
            NAME
                + " entry "
                + i
                + ", key '"
                + field.getKey()
                + "': values must be strings, numbers or booleans, not "
                + kind(v));
      }
    }
    return entry;
  }

  /**
   * Stores the checked entries where the orchestrator reads them, atomically and private to the
   * engine: encrypted with {@code box} when the run has secrets (an entry may hold one), else in
   * clear.
   */
  static void store(List<Map<String, String>> entries, Path target, SecretBox box, boolean seal)
      throws IOException {
    JsonArray array = new JsonArray();
    entries.forEach(e -> array.add(new JsonObject(new LinkedHashMap<>(e))));
    byte[] json = array.toBuffer().getBytes();
    if (seal) {
      box.write(target, json);
    } else {
      PrivateFiles.write(target, json);
    }
  }

  private static String kind(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    if (value instanceof String) {
      return "a string";
    }
    return value instanceof Boolean ? "a boolean" : "a number";
  }

  /** Jackson's message names its internal source; the line and column are what matter. */
  static String clean(String message) {
    String m = message.replaceFirst("^Failed to decode:\\s*", "");
    int nl = m.indexOf('\n');
    String first = (nl >= 0 ? m.substring(0, nl) : m).strip();
    first = first.replaceAll("\\s*\\(start marker at.*$", "").replaceAll("\\s*\\[Source:.*$", "");
    java.util.regex.Matcher at =
        java.util.regex.Pattern.compile("line: (\\d+), column: (\\d+)").matcher(m);
    String where = "";
    while (at.find()) {
      where = " (line " + at.group(1) + ", column " + at.group(2) + ")"; // the last one: the error
    }
    return first + where;
  }

  /** Vert.x's JSON parsing, kept to one place. */
  private static final class Json {
    static Object parse(byte[] bytes) {
      return io.vertx.core.json.Json.decodeValue(Buffer.buffer(bytes));
    }
  }
}
