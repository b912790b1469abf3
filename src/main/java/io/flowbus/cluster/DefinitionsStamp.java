package io.flowbus.cluster;

import io.vertx.core.json.JsonObject;

/**
 * Which definitions a controller holds: the generation (one more at each replacement in the
 * cluster, so a later one is told from an earlier one) and the hash of the text. Sent to one
 * controller over {@link Addresses#definitions} to mean "hold at least this", and answered with
 * what that controller holds then. This file alone knows the wire form.
 */
public record DefinitionsStamp(long generation, String version) {

  public JsonObject toJson() {
    return new JsonObject().put("generation", generation).put("version", version);
  }

  /** The stamp {@code json} encodes; IllegalArgumentException if it is none. */
  public static DefinitionsStamp fromJson(JsonObject json) {
    Long generation = json.getLong("generation");
    String version = json.getString("version");
    if (generation == null || version == null) {
      throw new IllegalArgumentException("a definitions stamp needs a generation and a version");
    }
    return new DefinitionsStamp(generation, version);
  }

  /** Whether a node holding this stamp holds {@code wanted} or a later replacement. */
  public boolean covers(DefinitionsStamp wanted) {
    return generation >= wanted.generation;
  }
}
