package io.flowbus.cluster;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The cluster map's entry of the definitions in force: their generation, the hash of their text
 * (the version) and the text. This file alone knows the entry's JSON form.
 */
final class DefinitionsEntry {
  private DefinitionsEntry() {}

  static JsonObject toJson(DefinitionsStore.Version v, long generation) {
    return new JsonObject()
        .put("generation", generation)
        .put("version", v.version())
        .put("text", v.text());
  }

  /** The generation of {@code json}; 0 for an entry written before generations were kept. */
  static long generation(JsonObject json) {
    return json.getLong("generation", 0L);
  }

  /** The version of a text: the hex SHA-256 of its UTF-8 bytes. */
  static String versionOf(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
