package io.flowbus.storage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.flowbus.model.SpawnEntries;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the spawn entries a worker stored (a JSON array of objects of strings) token by token into
 * {@link SpawnEntries}: a fan-out of a million entries is never held as a tree of JSON objects,
 * which would take several times the heap the packed entries take.
 */
final class SpawnEntriesReader {
  private static final JsonFactory FACTORY = new JsonFactory();

  private SpawnEntriesReader() {}

  static SpawnEntries read(byte[] json) throws IOException {
    SpawnEntries.Builder entries = new SpawnEntries.Builder();
    Map<String, String> entry = new LinkedHashMap<>();
    try (JsonParser parser = FACTORY.createParser(json)) {
      expect(parser.nextToken() == JsonToken.START_ARRAY, parser, "an array");
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_ARRAY;
          token = parser.nextToken()) {
        expect(token == JsonToken.START_OBJECT, parser, "an object");
        entry.clear();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String key = parser.currentName();
          expect(parser.nextToken() == JsonToken.VALUE_STRING, parser, "a string");
          entry.put(key, parser.getText());
        }
        entries.add(entry);
      }
      expect(parser.nextToken() == null, parser, "nothing after the array");
    }
    return entries.build();
  }

  private static void expect(boolean met, JsonParser parser, String what) throws IOException {
    if (!met) {
      throw new IOException(
          "malformed spawn entries: expected " + what + " at " + parser.currentLocation());
    }
  }
}
