package io.flowbus.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.flowbus.model.SpawnEntries;
import io.flowbus.storage.PrivateFiles;
import io.flowbus.storage.SecretBox;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
  private static final JsonFactory GENERATORS = new JsonFactory();

  private SpawnFile() {}

  /** A spawn.json that cannot be used, with the reason. */
  static final class InvalidSpawnFileException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidSpawnFileException(String message) {
      super(message);
    }
  }

  /**
   * The checked entries of the workspace's spawn.json, packed (see {@link SpawnEntries}). The file
   * is read token by token, never held whole as JSON objects: a fan-out of a million entries would
   * take several times the heap its packed entries take. A file that is not JSON is called
   * malformed before any other fault of it is named, as when it was parsed whole.
   */
  static List<Map<String, String>> read(Path workspace, long limit)
      throws IOException, InvalidSpawnFileException {
    Path file = workspace.resolve(NAME);
    checkSize(file, limit);
    Buffer json = Buffer.buffer(Files.readAllBytes(file));
    checkSyntax(json);
    try (JsonParser parser = JacksonCodec.createParser(json)) {
      return entries(parser);
    } catch (JsonProcessingException e) {
      throw malformed(e.getMessage());
    }
  }

  /** The file holds one JSON value and nothing after it (Vert.x's rules for a whole document). */
  private static void checkSyntax(Buffer json) throws InvalidSpawnFileException {
    try (JsonParser parser = JacksonCodec.createParser(json)) {
      if (parser.nextToken() == null) {
        throw malformed("Unexpected token");
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw malformed("Unexpected trailing token");
      }
    } catch (IOException e) {
      throw malformed(e.getMessage());
    }
  }

  private static InvalidSpawnFileException malformed(String message) {
    return new InvalidSpawnFileException(NAME + " is malformed: " + clean(message));
  }

  private static SpawnEntries entries(JsonParser parser)
      throws IOException, InvalidSpawnFileException {
    Object root = value(parser, parser.nextToken());
    if (!(root instanceof JsonArray)) {
      throw new InvalidSpawnFileException(
          NAME + " must hold a JSON array of objects, not " + kind(root));
    }
    SpawnEntries.Builder entries = new SpawnEntries.Builder();
    Map<String, Object> fields = new LinkedHashMap<>();
    int i = 0;
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY;
        token = parser.nextToken(), i++) {
      Object value = value(parser, token);
      if (!(value instanceof JsonObject)) {
        throw new InvalidSpawnFileException(
            NAME + " entry " + i + " must be an object, not " + kind(value));
      }
      fields.clear();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        Object field = value(parser, parser.nextToken());
        if (field instanceof JsonObject || field instanceof JsonArray) {
          parser.skipChildren();
        }
        if (fields.containsKey(key)) {
          throw new InvalidSpawnFileException(
              NAME + " entry " + i + " has the key '" + key + "' twice");
        }
        fields.put(key, field);
      }
      entries.add(entry(fields, i));
    }
    return entries.build();
  }

  /** A number as the file writes it: {@code 1e2} stays {@code 1e2}, as an input given to a run. */
  private record Written(String text) {}

  /**
   * The scalar at the parser (a number as it is written); an empty {@link JsonObject} or {@link
   * JsonArray} standing for one that starts there (the parser stays on its first token).
   */
  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> new JsonObject();
      case START_ARRAY -> new JsonArray();
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Written(parser.getText());
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> null;
    };
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

  private static Map<String, String> entry(Map<String, Object> object, int i)
      throws InvalidSpawnFileException {
    Map<String, String> entry = new LinkedHashMap<>();
    for (Map.Entry<String, Object> field : object.entrySet()) {
      Object v = field.getValue();
      if (v instanceof Written number) {
        entry.put(field.getKey(), number.text());
      } else if (v instanceof String || v instanceof Boolean) {
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
   * clear. Written entry by entry, as compact JSON, without a copy of them all as JSON objects.
   */
  static void store(List<Map<String, String>> entries, Path target, SecretBox box, boolean seal)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = GENERATORS.createGenerator(out)) {
      generator.writeStartArray();
      for (Map<String, String> entry : entries) {
        generator.writeStartObject();
        for (Map.Entry<String, String> field : entry.entrySet()) {
          generator.writeStringField(field.getKey(), field.getValue());
        }
        generator.writeEndObject();
      }
      generator.writeEndArray();
    }
    byte[] json = out.toByteArray();
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
}
