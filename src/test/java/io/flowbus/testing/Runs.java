package io.flowbus.testing;

import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs over the REST API for the integration tests: create one, wait for it, list its tasks. A wait
 * that times out fails with the last answer seen, so that a stuck run shows where it stuck. Errors
 * while polling (a node being killed, a failover) are waited out, not thrown.
 */
public final class Runs {
  /** Long enough for the slowest run of the suite on a loaded machine. */
  public static final Duration WAIT = Duration.ofMinutes(2);

  private static final Set<String> ENDED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  private Runs() {}

  /** POSTs to {@code path} (such as {@code /api/jobs/j/runs?x=1}), expects 201, returns the id. */
  public static String create(Http http, String path) {
    Http.Response created = http.post(path);
    if (created.status() != 201) {
      throw new AssertionError(
          "POST " + path + " answered " + created.status() + ", not 201: " + created.body());
    }
    return created.json().getString("id");
  }

  /** Waits until the run has ended and returns it as the API shows it. */
  public static JsonObject awaitEnded(Http http, String id) {
    return awaitEnded(http, id, WAIT);
  }

  public static JsonObject awaitEnded(Http http, String id, Duration atMost) {
    return awaitRun(http, id, "ended", run -> ENDED.contains(run.getString("state")), atMost);
  }

  /**
   * Waits until the run, as the API shows it, meets {@code condition}, described by {@code what}.
   */
  public static JsonObject awaitRun(
      Http http, String id, String what, Predicate<JsonObject> condition) {
    return awaitRun(http, id, what, condition, WAIT);
  }

  public static JsonObject awaitRun(
      Http http, String id, String what, Predicate<JsonObject> condition, Duration atMost) {
    return awaitAnswer(http, "/api/runs/" + id, "run " + id + " " + what, condition, atMost);
  }

  /** Waits until task {@code taskId} of the run is in {@code state} and returns the task. */
  public static JsonObject awaitTaskState(Http http, String id, String taskId, String state) {
    return awaitAnswer(
        http,
        "/api/runs/" + id + "/tasks/" + taskId,
        "task " + taskId + " of run " + id + " " + state,
        task -> state.equals(task.getString("state")),
        WAIT);
  }

  /**
   * The tasks of the run (spawn tasks included) matching {@code query}, such as {@code stage=0}.
   */
  public static List<JsonObject> tasks(Http http, String id, String query) {
    String path = "/api/runs/" + id + "/tasks?limit=1000" + (query.isEmpty() ? "" : "&" + query);
    Http.Response page = http.get(path);
    if (page.status() != 200) {
      throw new AssertionError("GET " + path + " answered " + page.status() + ": " + page.body());
    }
    return page.json().getJsonArray("items").stream().map(t -> (JsonObject) t).toList();
  }

  /** One task of the run as the API shows it. */
  public static JsonObject task(Http http, String id, String taskId) {
    return http.get("/api/runs/" + id + "/tasks/" + taskId).json();
  }

  static JsonObject awaitAnswer(
      Http http, String path, String what, Predicate<JsonObject> condition, Duration atMost) {
    AtomicReference<String> last = new AtomicReference<>("no answer yet");
    AtomicReference<JsonObject> met = new AtomicReference<>();
    try {
      await()
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> poll(http, path, condition, last, met));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "expected "
              + what
              + " within "
              + atMost
              + "; the last answer to GET "
              + path
              + " was "
              + last.get(),
          e);
    }
    return met.get();
  }

  private static boolean poll(
      Http http,
      String path,
      Predicate<JsonObject> condition,
      AtomicReference<String> last,
      AtomicReference<JsonObject> met) {
    try {
      Http.Response answer = http.get(path);
      last.set(answer.status() + " " + answer.body());
      if (answer.status() == 200 && condition.test(answer.json())) {
        met.set(answer.json());
        return true;
      }
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw e; // the wait timed out during this poll: keep the answer seen before
      }
      last.set(e.toString());
    }
    return false;
  }
}
