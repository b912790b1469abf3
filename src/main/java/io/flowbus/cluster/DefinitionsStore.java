package io.flowbus.cluster;

import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The definitions in force, the same on every controller. The first node puts its file in a cluster
 * map; later nodes take what the cluster has. A replacement is checked completely first and then
 * swapped in one put: all or nothing.
 */
public final class DefinitionsStore {
  private static final Logger LOG = LoggerFactory.getLogger(DefinitionsStore.class);
  private static final String MAP = "flowbus.definitions";
  private static final String KEY = "current";

  /** One version of the definitions: the parsed form, its text, and the hash of the text. */
  public record Version(Definitions definitions, String text, String version) {}

  private final Vertx vertx;
  private final java.nio.file.Path keepAt;
  private volatile Version current;
  private AsyncMap<String, JsonObject> map;

  /**
   * @param keepAt where a replacement is written, so that a restart of the whole cluster keeps it
   */
  public DefinitionsStore(
      Vertx vertx, Definitions local, String localText, java.nio.file.Path keepAt) {
    this.vertx = vertx;
    this.keepAt = keepAt;
    this.current = new Version(local, localText, versionOf(localText));
  }

  public Version current() {
    return current;
  }

  /** Joins the cluster's definitions, offering this node's own if the cluster has none yet. */
  public Future<Void> join() {
    return vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(MAP)
        .compose(
            m -> {
              map = m;
              vertx.eventBus().<String>consumer(Addresses.DEFINITIONS_CHANGED, msg -> refresh());
              return m.putIfAbsent(KEY, toJson(current));
            })
        .map(
            existing -> {
              if (existing != null) {
                adopt(existing);
              }
              return null;
            });
  }

  private void refresh() {
    map.get(KEY)
        .onSuccess(json -> adopt(json))
        .onFailure(e -> LOG.warn("cannot read definitions: {}", e.toString()));
  }

  private void adopt(JsonObject json) {
    if (json == null || json.getString("version").equals(current.version())) {
      return;
    }
    String text = json.getString("text");
    try {
      current =
          new Version(DefinitionsLoader.parse(text, "cluster definitions"), text, versionOf(text));
      LOG.info("definitions {} in force", current.version().substring(0, 12));
    } catch (DefinitionsException e) {
      LOG.error(
          "the cluster's definitions do not load here; keeping the previous ones: {}",
          e.getMessage());
    }
  }

  /** Checks {@code text} completely and, if valid, puts it in force on every node. */
  public Future<Version> replace(String text, String source) {
    Version next;
    try {
      next = new Version(DefinitionsLoader.parse(text, source), text, versionOf(text));
    } catch (DefinitionsException e) {
      return Future.failedFuture(e);
    }
    return map.put(KEY, toJson(next))
        .compose(v -> vertx.executeBlocking(() -> keep(next.text())))
        .map(
            v -> {
              current = next;
              vertx.eventBus().publish(Addresses.DEFINITIONS_CHANGED, next.version());
              LOG.info("definitions {} put in force", next.version().substring(0, 12));
              return next;
            });
  }

  private Void keep(String text) throws java.io.IOException {
    java.nio.file.Files.createDirectories(keepAt.getParent());
    java.nio.file.Path tmp = keepAt.resolveSibling(keepAt.getFileName() + ".tmp");
    java.nio.file.Files.writeString(tmp, text, StandardCharsets.UTF_8);
    java.nio.file.Files.move(
        tmp,
        keepAt,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return null;
  }

  private static JsonObject toJson(Version v) {
    return new JsonObject().put("version", v.version()).put("text", v.text());
  }

  static String versionOf(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
