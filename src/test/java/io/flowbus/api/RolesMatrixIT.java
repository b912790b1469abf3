package io.flowbus.api;

import static io.flowbus.config.AccessRole.ADMIN;
import static io.flowbus.config.AccessRole.OPERATE;
import static io.flowbus.config.AccessRole.READ;
import static io.flowbus.testing.FlowbusAssertions.assertThatRun;
import static io.flowbus.testing.Runs.awaitEnded;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.Node;
import io.flowbus.config.AccessRole;
import io.flowbus.config.ApiKeys;
import io.flowbus.config.NodeConfig;
import io.flowbus.config.Role;
import io.flowbus.testing.Http;
import io.flowbus.testing.TestNodes;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route the node serves, taken from its router, asked by every kind of caller: no key, an
 * unknown key, and a key of each role. The role each route needs is written here from the
 * specification, apart from the code, so that a route added without the role it needs fails.
 */
class RolesMatrixIT {
  private static final String DEFINITIONS = "src/test/resources/it/test_jobs.yaml";
  private static final Map<AccessRole, String> KEYS =
      Map.of(READ, "read-k3y", OPERATE, "operate-k3y", ADMIN, "admin-k3y");

  @TempDir static Path data;
  static Node node;
  static Http http;

  @BeforeAll
  static void start() {
    Map<String, AccessRole> roles = new LinkedHashMap<>();
    KEYS.forEach((role, key) -> roles.put(key, role));
    node = TestNodes.start(config(data.resolve("keys"), ApiKeys.of(roles), false));
    http = TestNodes.http(node);
  }

  @AfterAll
  static void stop() {
    node.stopAndWait();
  }

  /** The role the specification gives a route; null for one open to everyone. */
  private static AccessRole specified(HttpMethod method, String path) {
    if (path.equals("/health") || path.equals("/ready")) {
      return null;
    }
    if (path.equals("/") || path.equals("/assets/")) {
      return null; // the web UI's files: the page asks for the key itself
    }
    if (method == HttpMethod.GET) {
      return READ; // every GET, /metrics included
    }
    if (method == HttpMethod.PUT && path.equals("/api/definitions")
        || method == HttpMethod.DELETE) {
      return ADMIN;
    }
    if (method == HttpMethod.POST) {
      return OPERATE; // create, start, cancel, pause, resume, retry, trigger
    }
    throw new AssertionError("the specification gives no role to " + method + " " + path);
  }

  @Test
  void everyRouteAnswersEachCallerAsItsRoleSays() {
    List<String> asked = new ArrayList<>();
    SoftAssertions softly = new SoftAssertions();
    for (Route route : node.httpRoutes()) {
      if (route.getPath() == null) {
        continue; // the failure handler
      }
      if (route.methods() == null) {
        assertThat(route.getPath()).as("only /api/* filters take every method").isEqualTo("/api/");
        assertThat(route.isExactPath()).isFalse();
        assertThat(route.<Object>getMetadata(AccessPolicy.NEEDS)).isIn(READ, AccessPolicy.FILTER);
        continue;
      }
      for (HttpMethod method : route.methods()) {
        AccessRole needed = specified(method, route.getPath());
        softly
            .assertThat(route.<Object>getMetadata(AccessPolicy.NEEDS))
            .as("declared access of %s %s", method, route.getPath())
            .isEqualTo(needed == null ? AccessPolicy.OPEN : needed);
        askEveryCaller(softly, method, concrete(route), needed);
        asked.add(method + " " + route.getPath());
      }
    }
    softly.assertAll();
    assertThat(asked)
        .as("the routes were found")
        .contains(
            "GET /metrics",
            "GET /health",
            "GET /",
            "PUT /api/definitions",
            "POST /api/jobs/:job/runs",
            "DELETE /api/runs/:id",
            "POST /api/runs/:id/cancel",
            "GET /api/runs/:id/files/")
        .hasSizeGreaterThanOrEqualTo(19);
  }

  private static void askEveryCaller(
      SoftAssertions softly, HttpMethod method, String path, AccessRole needed) {
    String what = method + " " + path;
    int none = send(http, method, path).status();
    int unknown = send(keyed("not-a-k3y"), method, path).status();
    if (needed == null) {
      softly.assertThat(List.of(none, unknown)).as(what + " is open").doesNotContain(401, 403);
    } else {
      softly.assertThat(none).as(what + " without a key").isEqualTo(401);
      softly.assertThat(unknown).as(what + " with an unknown key").isEqualTo(401);
    }
    for (AccessRole role : AccessRole.values()) {
      Http.Response answer = send(keyed(KEYS.get(role)), method, path);
      String as = what + " as " + role.wireName();
      if (needed == null || role.allows(needed)) {
        softly.assertThat(answer.status()).as(as).isNotIn(401, 403);
      } else {
        softly.assertThat(answer.status()).as(as).isEqualTo(403);
        softly
            .assertThat(answer.body())
            .as(as)
            .contains(
                "this needs the " + needed.wireName() + " role; the key has " + role.wireName());
      }
    }
  }

  @Test
  void secretsStayMaskedForAdminToo() {
    Http admin = keyed(KEYS.get(ADMIN));
    String secret = "s3cr3t-" + System.nanoTime();
    Http.Response created = admin.post("/api/jobs/secret/runs", Map.of("X-Token", secret));
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().getString("id");

    assertThatRun(awaitEnded(admin, id)).hasState("SUCCEEDED").hasInput("token", "***");
    assertThat(admin.get("/api/runs/" + id).body()).doesNotContain(secret);
    assertThat(admin.get("/api/runs/" + id + "/tasks").body()).doesNotContain(secret);
    assertThat(admin.get("/api/runs/" + id + "/tasks/s0-t0/log?stream=stdout").body())
        .isEqualTo("token=***\n");
    assertThatRun(keyed(KEYS.get(READ)).get("/api/runs/" + id).json()).hasInput("token", "***");
  }

  @Test
  void metricsNeedReadUnlessPublicWhileTheApiStillNeedsAKey() {
    assertThat(http.get("/metrics").status()).isEqualTo(401);
    assertThat(keyed(KEYS.get(READ)).get("/metrics").body()).contains("flowbus_");

    Node open =
        TestNodes.start(
            config(
                data.resolve("public"), ApiKeys.of(Map.of("k", ADMIN)), /* metricsPublic */ true));
    try {
      Http anyone = TestNodes.http(open);
      assertThat(anyone.get("/metrics").status()).isEqualTo(200);
      assertThat(anyone.get("/metrics").body()).contains("flowbus_");
      assertThat(anyone.get("/api/jobs").status()).isEqualTo(401);
    } finally {
      open.stopAndWait();
    }
  }

  private static NodeConfig config(Path dataDir, ApiKeys keys, boolean metricsPublic) {
    return TestNodes.config(
        Path.of(DEFINITIONS).toAbsolutePath(),
        dataDir,
        TestNodes.uniqueClusterName(),
        Set.of(Role.CONTROLLER, Role.WORKER),
        2,
        keys,
        metricsPublic);
  }

  /** The route's path with its parameters filled: runs, jobs and tasks that do not exist. */
  private static String concrete(Route route) {
    String path =
        route
            .getPath()
            .replace(":id", "no-such-run")
            .replace(":job", "no-such-job")
            .replace(":task", "no-such-task")
            .replaceAll(":[A-Za-z_]+", "x");
    return route.isExactPath() ? path : path + "x";
  }

  private static Http keyed(String key) {
    return http.withHeaders(Map.of("X-API-Key", key));
  }

  private static Http.Response send(Http client, HttpMethod method, String path) {
    return client.send(method.name(), path, null, null, Map.of());
  }
}
