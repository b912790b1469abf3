package io.flowbus.cluster;

import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The definitions in force, the same on every controller. The first node puts its file in a cluster
 * map; later nodes take what the cluster has. A replacement is checked completely first, then put
 * in the map with the next generation number, and is done once every other controller has answered
 * that it holds it (or a bound has passed): all or nothing, on every node. A controller that missed
 * it takes the map's definitions at its next refresh (every few seconds, and when a member joins or
 * leaves); reading them never waits for the cluster.
 */
public final class DefinitionsStore {
  private static final Logger LOG = LoggerFactory.getLogger(DefinitionsStore.class);

  /** The cluster map, and its key, that hold the definitions in force as JSON. */
  static final String MAP = "flowbus.definitions";

  static final String KEY = "current";
  private static final int PUT_ATTEMPTS = 10;
  private static final long ANSWER_TIMEOUT_MS = 5_000;
  private static final long REFRESH_MS = 10_000;

  /** One version of the definitions: the parsed form, its text, and the hash of the text. */
  public record Version(Definitions definitions, String text, String version) {
    /** {@code text} checked completely; {@code source} names it in the problems. */
    static Version parse(String text, String source) throws DefinitionsException {
      return new Version(
          DefinitionsLoader.parse(text, source), text, DefinitionsEntry.versionOf(text));
    }
  }

  /** What this node holds; generation -1 until it has joined the cluster's definitions. */
  private record Held(Version version, long generation) {
    DefinitionsStamp stamp() {
      return new DefinitionsStamp(generation, version.version());
    }
  }

  private final Vertx vertx;
  private final DefinitionsFile kept;
  private final Membership membership;
  private volatile Held held;
  private volatile long rejected = -1;
  private volatile JsonObject earlierSeen;
  private AsyncMap<String, JsonObject> map;

  /** A store with no other controller to tell, as on a node alone. */
  public DefinitionsStore(Vertx vertx, Definitions local, String localText, Path keepAt) {
    this(vertx, local, localText, keepAt, null);
  }

  /**
   * @param keepAt where a replacement is written, so that a restart of the whole cluster keeps it
   * @param membership the controllers that a replacement waits for
   */
  public DefinitionsStore(
      Vertx vertx, Definitions local, String localText, Path keepAt, Membership membership) {
    this.vertx = vertx;
    this.kept = new DefinitionsFile(keepAt);
    this.membership = membership;
    this.held = new Held(new Version(local, localText, DefinitionsEntry.versionOf(localText)), -1);
  }

  public Version current() {
    return held.version();
  }

  /** Joins the cluster's definitions, offering this node's own if the cluster has none yet. */
  public Future<Void> join() {
    return vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(MAP)
        .compose(
            m -> {
              map = m;
              return listen();
            })
        .compose(v -> map.putIfAbsent(KEY, DefinitionsEntry.toJson(held.version(), 0)))
        .map(
            existing -> {
              if (existing == null) {
                install(held.version(), 0, null);
              } else {
                adopt(existing);
              }
              keepAdopting();
              return null;
            });
  }

  /** Answers replacements made on other nodes, at this node's own address. */
  private Future<Void> listen() {
    if (membership == null) {
      return Future.succeededFuture();
    }
    DurableConsumers consumers = new DurableConsumers(vertx);
    Future<Void> registered =
        consumers.<JsonObject>add(Addresses.definitions(membership.selfId()), this::answer);
    consumers.watch();
    return registered;
  }

  /** Whatever this node missed, it takes from the map every few seconds and on a member change. */
  private void keepAdopting() {
    if (membership != null) {
      vertx.setPeriodic(REFRESH_MS, t -> refresh());
      membership.onChange(vertx.getOrCreateContext(), this::refresh);
    }
  }

  private void answer(Message<JsonObject> message) {
    DefinitionsStamp wanted;
    try {
      wanted = DefinitionsStamp.fromJson(message.body());
    } catch (IllegalArgumentException e) {
      message.fail(400, e.getMessage());
      return;
    }
    if (held.stamp().covers(wanted)) {
      message.reply(held.stamp().toJson());
      return;
    }
    map.get(KEY)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                adopt(ar.result());
              } else {
                LOG.warn("cannot read definitions: {}", ar.cause().toString());
              }
              message.reply(held.stamp().toJson());
            });
  }

  private void refresh() {
    map.get(KEY)
        .onSuccess(this::refreshed)
        .onFailure(e -> LOG.warn("cannot read definitions: {}", e.toString()));
  }

  /**
   * Takes the map's definitions if they are later than this node's. If they are earlier, or another
   * text of the same generation (a split cluster merged and kept the other side's entry), they are
   * taken once two refreshes in a row have read that same entry: a read that merely crossed a
   * replacement does not see it twice.
   */
  private void refreshed(JsonObject json) {
    Held now = held;
    long generation = json == null ? 0 : DefinitionsEntry.generation(json);
    if (json == null
        || generation > now.generation()
        || (generation == now.generation()
            && now.version().version().equals(json.getString("version")))) {
      earlierSeen = null;
      adopt(json);
    } else if (json.equals(earlierSeen)) {
      LOG.warn("the cluster holds other definitions than this node (a merge?): taking them");
      earlierSeen = null;
      take(json, now);
    } else {
      earlierSeen = json;
    }
  }

  private void adopt(JsonObject json) {
    if (json != null && DefinitionsEntry.generation(json) > held.generation()) {
      take(json, null);
    }
  }

  /**
   * Puts the map's entry {@code json} in force here: over {@code replacing} if that is still what
   * this node holds, else only if it is a later generation than what this node holds.
   */
  private void take(JsonObject json, Held replacing) {
    long generation = DefinitionsEntry.generation(json);
    if (generation == rejected) {
      return;
    }
    String text = json.getString("text");
    try {
      Version next = Version.parse(text, "cluster definitions");
      if (install(next, generation, replacing)) {
        LOG.info("definitions {} in force", DefinitionsFanOut.short12(held.stamp()));
      }
    } catch (DefinitionsException e) {
      rejected = generation;
      LOG.error(
          "the cluster's definitions do not load here; keeping the previous ones: {}",
          e.getMessage());
    }
  }

  /**
   * Puts {@code version} in force here unless this node already holds a later generation, or, given
   * {@code replacing}, unless this node no longer holds that.
   */
  private synchronized boolean install(Version version, long generation, Held replacing) {
    if (replacing == null ? generation <= held.generation() : held != replacing) {
      return false;
    }
    held = new Held(version, generation);
    return true;
  }

  /**
   * Checks {@code text} completely and, if valid, puts it in force on every node; completes once
   * every other controller holds it, or has not answered within a few seconds.
   */
  public Future<Version> replace(String text, String source) {
    Version next;
    try {
      next = Version.parse(text, source);
    } catch (DefinitionsException e) {
      return Future.failedFuture(e);
    }
    return putNext(next, 1)
        .compose(generation -> keepLatest(generation, next.text()).map(generation))
        .compose(
            generation -> {
              install(next, generation, null);
              DefinitionsStamp stamp = new DefinitionsStamp(generation, next.version());
              LOG.info("definitions {} put in force", DefinitionsFanOut.short12(stamp));
              return membership == null
                  ? Future.succeededFuture()
                  : new DefinitionsFanOut(
                          vertx, DefinitionsFanOut.otherControllers(membership), ANSWER_TIMEOUT_MS)
                      .tellAll(stamp);
            })
        .map(
            v -> {
              vertx.eventBus().publish(Addresses.DEFINITIONS_CHANGED, next.version());
              return next;
            });
  }

  /**
   * Puts {@code next} in the map as the generation after the map's, by compare-and-set: when two
   * replacements race, one of them takes the generation after the other's.
   */
  private Future<Long> putNext(Version next, int attempt) {
    if (attempt > PUT_ATTEMPTS) {
      return Future.failedFuture(
          ProblemException.conflict(
              "the definitions were replaced on other nodes meanwhile, again and again; try again"));
    }
    return map.get(KEY)
        .compose(
            old -> {
              // above this node's own too: an entry lost or merged back is no older than it
              long inMap = old == null ? -1 : DefinitionsEntry.generation(old);
              long generation = Math.max(inMap, held.generation()) + 1;
              JsonObject json = DefinitionsEntry.toJson(next, generation);
              Future<Boolean> swapped =
                  old == null
                      ? map.putIfAbsent(KEY, json).map(Objects::isNull)
                      : map.replaceIfPresent(KEY, old, json);
              return swapped.compose(
                  done -> done ? Future.succeededFuture(generation) : putNext(next, attempt + 1));
            });
  }

  /** Writes {@code text}, then the map's while it is later: a racing PUT's write stays. */
  Future<Void> keepLatest(long generation, String text) {
    return vertx
        .executeBlocking(() -> kept.write(text))
        .compose(v -> map.get(KEY))
        .compose(
            json -> {
              long inMap = json == null ? generation : DefinitionsEntry.generation(json);
              return inMap > generation
                  ? keepLatest(inMap, json.getString("text"))
                  : Future.succeededFuture();
            });
  }
}
