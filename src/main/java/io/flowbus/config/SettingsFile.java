package io.flowbus.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A YAML file of node options, read once at start through vertx-config's {@code yaml} format. Its
 * keys are the long option names without dashes ({@code port: 8081}, {@code data-dir: /data}); a
 * list ({@code roles: [controller, worker]}) stands for its items joined by commas, as on the
 * command line; an empty value ({@code api-key:}) is as if the key were absent.
 *
 * @param values each key's value as the command line would spell it
 */
public record SettingsFile(Path path, Map<String, String> values) {
  /** No file: nothing to add. */
  public static final SettingsFile NONE = new SettingsFile(null, Map.of());

  public SettingsFile {
    values = Map.copyOf(values);
  }

  /**
   * Reads {@code path}; throws {@link IllegalArgumentException} naming the file, and the key if one
   * is bad: not among {@code known}, or a map where a value belongs.
   */
  public static SettingsFile read(Path path, Set<String> known) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("settings file " + path + " does not exist");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : load(path)) {
      String key = entry.getKey();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            "settings file " + path + ": unknown key '" + key + "' (known: " + sorted(known) + ")");
      }
      String value = text(path, key, entry.getValue());
      if (value != null) {
        values.put(key, value);
      }
    }
    return new SettingsFile(path, values);
  }

  /** Where a key's value came from, for messages. */
  public String describe(String key) {
    return "key '" + key + "' of settings file " + path;
  }

  private static String text(Path path, String key, Object value) {
    if (value instanceof JsonArray list) {
      StringJoiner joined = new StringJoiner(",");
      for (Object item : list) {
        joined.add(scalar(path, key, item));
      }
      return joined.toString();
    }
    return value == null ? null : scalar(path, key, value);
  }

  private static String scalar(Path path, String key, Object value) {
    if (value instanceof JsonObject || value instanceof JsonArray || value == null) {
      throw new IllegalArgumentException(
          "settings file " + path + ": key '" + key + "' must be a value or a list of values");
    }
    return String.valueOf(value);
  }

  /** The file as JSON, read on a Vert.x of its own that is closed before the node's starts. */
  /** Where the YAML is broken, without the parser's quote of the line: the line may hold a key. */
  static String where(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m
          && m.getProblemMark() != null) {
        return m.getProblem()
            + " at line "
            + (m.getProblemMark().getLine() + 1)
            + ", column "
            + (m.getProblemMark().getColumn() + 1);
      }
    }
    return "it cannot be parsed as YAML";
  }

  private static JsonObject load(Path path) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    ConfigStoreOptions store =
        new ConfigStoreOptions()
            .setType("file")
            .setFormat("yaml")
            .setConfig(new JsonObject().put("path", path.toAbsolutePath().toString()));
    ConfigRetriever retriever =
        ConfigRetriever.create(
            vertx, new ConfigRetrieverOptions().setScanPeriod(0).addStore(store));
    try {
      return retriever
          .getConfig()
          .toCompletionStage()
          .toCompletableFuture()
          .get(1, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new IllegalArgumentException(
          "settings file " + path + " is not a YAML map of options: " + where(e.getCause()),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalArgumentException("settings file " + path + " could not be read in time", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      retriever.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private static String sorted(Set<String> keys) {
    return String.join(", ", new TreeSet<>(keys));
  }
}
