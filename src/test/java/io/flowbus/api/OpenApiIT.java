package io.flowbus.api;

import static io.flowbus.testing.Runs.awaitEnded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flowbus.Node;
import io.flowbus.testing.Http;
import io.flowbus.testing.OpenApiDocument;
import io.flowbus.testing.TestNodes;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/openapi.yaml} against a real node: it names exactly the {@code /api} routes of
 * the node's router, and the node's answers fit the schemas it gives.
 */
class OpenApiIT {
  @TempDir static Path data;
  static Node node;
  static Http http;
  static Http.Response served;
  static OpenApiDocument document;

  @BeforeAll
  static void start() {
    node = TestNodes.startAlone("src/test/resources/it/test_jobs.yaml", data, 4, null);
    http = TestNodes.http(node);
    served = http.get("/api/openapi.yaml");
    document = OpenApiDocument.of(node.vertx(), served.body());
  }

  @AfterAll
  static void stop() {
    node.stopAndWait();
  }

  @Test
  void theNodeServesTheJarsDocumentAsYaml() {
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.header("Content-Type")).isEqualTo("application/yaml; charset=utf-8");
    assertThat(served.body()).isEqualTo(OpenApiDocument.resourceText());
    document.assertAnswers("GET", "/api/openapi.yaml", served);
  }

  @Test
  void theDocumentNamesEveryApiRouteOfTheRouterAndNoOther() {
    Set<String> routed = routedOperations();
    Set<String> documented = document.operations();

    assertThat(routed)
        .as("the routes were read")
        .contains("GET /api/runs/{id}", "GET /api/runs/{id}/files/{path}");
    SoftAssertions softly = new SoftAssertions();
    softly
        .assertThat(difference(routed, documented))
        .as("routes of the router that openapi.yaml does not describe")
        .isEmpty();
    softly
        .assertThat(difference(documented, routed))
        .as("operations openapi.yaml describes that no route serves")
        .isEmpty();
    softly.assertAll();
  }

  @Test
  void answersAboutRunsFitTheDocumentedSchemas() {
    Http.Response created = http.post("/api/jobs/single/runs?item=x&wait=1m");
    assertThat(created.status()).isEqualTo(201);
    document.assertAnswers("POST", "/api/jobs/{job}/runs", created);
    String id = created.json().getString("id");
    awaitEnded(http, id);

    answers("GET", "/api/runs/{id}", "/api/runs/" + id, 200);
    answers("GET", "/api/runs", "/api/runs?job=single&limit=1", 200);
    answers("GET", "/api/runs/{id}/tasks", "/api/runs/" + id + "/tasks", 200);
    answers("GET", "/api/runs/{id}/tasks/{task}", "/api/runs/" + id + "/tasks/s0-t0", 200);
    answers("GET", "/api/runs/{id}/tasks/{task}/log", "/api/runs/" + id + "/tasks/s0-t0/log", 200);
    answers("GET", "/api/runs/{id}/files", "/api/runs/" + id + "/files", 200);
    answers("GET", "/api/runs/{id}/files/{path}", "/api/runs/" + id + "/files/out/0-x.txt", 200);
    answers("GET", "/api/runs/{id}/files/{path}", "/api/runs/" + id + "/files/out/none", 404);
    answers("GET", "/api/runs/{id}/events", "/api/runs/" + id + "/events", 200);
    answers("GET", "/api/runs/{id}/failures", "/api/runs/" + id + "/failures", 200);
    answers("POST", "/api/runs/{id}/start", "/api/runs/" + id + "/start", 409);
    answers("DELETE", "/api/runs/{id}", "/api/runs/" + id, 204);
  }

  @Test
  void answersAboutSchedulesAndNotificationsFitTheDocumentedSchemas() throws Exception {
    String yaml =
        Files.readString(Path.of("src/test/resources/it/test_jobs.yaml"))
            + "schedules:\n"
            + "  yearly: {job: single, cron: '0 0 1 1 *', timezone: Europe/Berlin,"
            + " inputs: {item: y}}\n";
    yaml = yaml.replaceFirst("(?m)^jobs:\n", "jobs:\n" + NOTIFIED);
    Http.Response put = http.put("/api/definitions", yaml, "application/yaml");
    assertThat(put.status()).as(put.body()).isEqualTo(200);

    answers("GET", "/api/schedules", "/api/schedules", 200);
    answers("GET", "/api/schedules/{id}", "/api/schedules/yearly", 200);
    answers("GET", "/api/schedules/{id}", "/api/schedules/none", 404);
    answers("POST", "/api/schedules/{id}/pause", "/api/schedules/yearly/pause", 200);
    answers("POST", "/api/schedules/{id}/resume", "/api/schedules/yearly/resume", 200);
    String scheduled =
        answers("POST", "/api/schedules/{id}/trigger", "/api/schedules/yearly/trigger", 201)
            .json()
            .getString("id");
    assertThat(awaitEnded(http, scheduled).getJsonObject("trigger").getString("schedule"))
        .isEqualTo("yearly");
    answers("GET", "/api/runs/{id}", "/api/runs/" + scheduled, 200);

    String notified = http.post("/api/jobs/notified/runs").json().getString("id");
    awaitEnded(http, notified);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> !http.get("/api/runs/" + notified + "/notifications").body().contains("[]"));
    Http.Response deliveries =
        answers(
            "GET", "/api/runs/{id}/notifications", "/api/runs/" + notified + "/notifications", 200);
    assertThat(deliveries.json().getJsonArray("items")).hasSize(1);
    assertThat(deliveries.json().fieldNames()).contains("next");
    String delivery = deliveries.json().getJsonArray("items").getJsonObject(0).getString("id");
    assertThat(
            http.get("/api/runs/" + notified + "/notifications?after=" + delivery)
                .json()
                .getJsonArray("items"))
        .isEmpty();
  }

  /** A job whose runs notify a port nobody listens on: its deliveries are tried and fail. */
  private static final String NOTIFIED =
      "  notified:\n"
          + "    stages: [{name: w, task_class: write}]\n"
          + "    notify: [{url: 'http://127.0.0.1:9/hook', on: [succeeded]}]\n";

  @Test
  void problemsFitTheDocumentedSchemas() {
    answers("GET", "/api/runs/{id}", "/api/runs/20260101-000000-000-none", 404);
    answers("GET", "/api/runs", "/api/runs?limit=0", 400);
    answers("GET", "/api/jobs/{job}", "/api/jobs/nope", 404);
    Http.Response invalid =
        answers("POST", "/api/jobs/{job}/runs", "/api/jobs/single/runs?x=1", 400);
    assertThat(invalid.json().getJsonArray("unknown_inputs")).containsExactly("x");
    Http.Response definitions = http.put("/api/definitions", "jobs: [", "application/yaml");
    assertThat(definitions.status()).isEqualTo(400);
    document.assertAnswers("PUT", "/api/definitions", definitions);
  }

  @Test
  void answersAboutJobsAndTheClusterFitTheDocumentedSchemas() {
    answers("GET", "/api/jobs", "/api/jobs", 200);
    answers("GET", "/api/jobs/{job}", "/api/jobs/fanout", 200);
    answers("GET", "/api/cluster", "/api/cluster", 200);
    answers("GET", "/api/definitions", "/api/definitions", 200);
    answers("GET", "/api/access", "/api/access", 200);
  }

  /**
   * Sends {@code method uri}, expects {@code status}, and checks the answer against the document.
   */
  private static Http.Response answers(String method, String path, String uri, int status) {
    Http.Response response = http.send(method, uri, null, null, Map.of());
    assertThat(response.status()).as(method + " " + uri + ": " + response.body()).isEqualTo(status);
    document.assertAnswers(method, path, response);
    return response;
  }

  /** The router's {@code /api} routes as {@code "GET /api/runs/{id}"}. */
  private static Set<String> routedOperations() {
    Set<String> operations = new TreeSet<>();
    for (Route route : node.httpRoutes()) {
      String path = route.getPath();
      if (path == null || route.methods() == null || !path.startsWith("/api/")) {
        continue; // the failure handler and the filters every /api request passes
      }
      String templated = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (!route.isExactPath()) {
        templated += "{path}"; // /api/runs/:id/files/* takes the rest of the path
      }
      for (HttpMethod method : route.methods()) {
        operations.add(method.name() + " " + templated);
      }
    }
    return operations;
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> rest = new TreeSet<>(a);
    rest.removeAll(b);
    return rest;
  }
}
