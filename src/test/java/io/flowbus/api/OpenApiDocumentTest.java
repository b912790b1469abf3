package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.model.AttemptState;
import io.flowbus.model.RunState;
import io.flowbus.model.TaskState;
import io.flowbus.testing.Http;
import io.flowbus.testing.OpenApiDocument;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the jar serves at {@code /api/openapi.yaml}: a valid OpenAPI 3.1 document
 * whose every operation names its errors as problem+json. That it names the router's routes, and
 * that real answers fit it, is {@code OpenApiIT}.
 */
class OpenApiDocumentTest {
  private static final Pattern TEMPLATE = Pattern.compile("\\{([^}]+)}");

  static Vertx vertx;
  static OpenApiDocument document;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    document = OpenApiDocument.of(vertx, OpenApiDocument.resourceText());
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void isAValidOpenApi31DocumentWithAnApiKeyScheme() {
    assertThat(document.raw().getString("openapi")).isEqualTo("3.1.0");
    assertThat(document.raw().getJsonObject("components").getJsonObject("securitySchemes"))
        .isEqualTo(
            new JsonObject()
                .put(
                    "apiKey",
                    new JsonObject()
                        .put("type", "apiKey")
                        .put("in", "header")
                        .put("name", AccessPolicy.HEADER)
                        .put(
                            "description", "Needed only when the node is started with API keys.")));
  }

  @Test
  void aDocumentThatBreaksTheOpenApiSchemaIsRefused() {
    String broken =
        OpenApiDocument.resourceText()
            .replaceFirst("      operationId: listJobs\n", "      operationId: [listJobs]\n");

    assertThatThrownBy(() -> OpenApiDocument.of(vertx, broken))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not a valid OpenAPI document");
  }

  /**
   * {@code OpenAPIContract.from} builds vertx-openapi's model of every operation; it refuses media
   * types it cannot validate (problem+json, YAML, event streams), so they are left out here.
   */
  @Test
  void vertxOpenApiBuildsAContractOfEveryOperation() throws Exception {
    JsonObject supported = onlySupportedMediaTypes(document.raw());

    OpenAPIContract contract =
        OpenAPIContract.from(vertx, supported)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    assertThat(contract.operations()).hasSize(document.operations().size());
    assertThat(contract.findOperation("/api/runs/20260101-000000-000-abcd", HttpMethod.GET))
        .extracting(Operation::getOperationId)
        .isEqualTo("getRun");
  }

  private static JsonObject onlySupportedMediaTypes(JsonObject node) {
    for (String key : List.copyOf(node.fieldNames())) {
      Object value = node.getValue(key);
      if (value instanceof JsonObject child) {
        onlySupportedMediaTypes(child);
        if (key.equals("content")) {
          child.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
          if (child.isEmpty()) {
            node.remove(key);
          }
        }
        if (key.equals("requestBody") && !child.containsKey("content")) {
          node.remove(key);
        }
      }
    }
    return node;
  }

  @Test
  void anAnswerTheDocumentDoesNotAllowIsRefused() {
    JsonObject run =
        new JsonObject()
            .put("id", "20260101-000000-000-abcd")
            .put("job", "j")
            .put("state", "RUNNING")
            .put("inputs", new JsonObject().put("x", "1"))
            .put("created_at", "2026-01-01T00:00:00Z")
            .put("started_at", "2026-01-01T00:00:01Z")
            .put("ended_at", null)
            .put("error", null)
            .put("retried", 0)
            .put("stages", new JsonArray());
    document.assertAnswers("GET", "/api/runs/{id}", json(200, "application/json", run));

    JsonObject unknownState = run.copy().put("state", "SLEEPING");
    assertThatThrownBy(
            () ->
                document.assertAnswers(
                    "GET", "/api/runs/{id}", json(200, "application/json", unknownState)))
        .hasMessageContaining("/state");
    run.remove("stages");
    assertThatThrownBy(
            () ->
                document.assertAnswers("GET", "/api/runs/{id}", json(200, "application/json", run)))
        .hasMessageContaining("stages");
    JsonObject problem = new JsonObject().put("type", "about:blank").put("status", 404);
    assertThatThrownBy(
            () ->
                document.assertAnswers(
                    "GET", "/api/runs/{id}", json(404, "application/json", problem)))
        .hasMessageContaining("documented: [application/problem+json]");
  }

  private static Http.Response json(int status, String type, JsonObject body) {
    return new Http.Response(status, Map.of("Content-Type", List.of(type)), body.encode());
  }

  @Test
  void theDocumentedStatesAreExactlyTheEnginesOwn() {
    JsonObject schemas = document.raw().getJsonObject("components").getJsonObject("schemas");
    assertThat(enumOf(schemas, "RunState")).containsExactly(names(RunState.values()));
    assertThat(enumOf(schemas, "TaskState")).containsExactly(names(TaskState.values()));
    assertThat(enumOf(schemas, "AttemptState")).containsExactly(names(AttemptState.values()));
  }

  private static List<Object> enumOf(JsonObject schemas, String name) {
    return schemas.getJsonObject(name).getJsonArray("enum").getList();
  }

  private static String[] names(Enum<?>[] values) {
    return java.util.Arrays.stream(values).map(Enum::name).toArray(String[]::new);
  }

  @Test
  void everyOperationHasAnIdItsPathParametersAndProblemsForItsErrors() {
    SoftAssertions softly = new SoftAssertions();
    Set<String> ids = new HashSet<>();
    JsonObject paths = document.raw().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (method.equals("parameters")) {
          continue;
        }
        JsonObject operation = item.getJsonObject(method);
        String what = method + " " + path;
        softly.assertThat(ids.add(operation.getString("operationId"))).as(what + " id").isTrue();
        softly
            .assertThat(pathParameters(item, operation))
            .as(what + " path parameters")
            .containsExactlyInAnyOrderElementsOf(templateNames(path));
        JsonObject responses = operation.getJsonObject("responses");
        softly.assertThat(responses.fieldNames()).as(what).contains("401", "default");
        for (String status : responses.fieldNames()) {
          if (status.equals("default") || status.startsWith("4") || status.startsWith("5")) {
            softly
                .assertThat(mediaTypes(responses.getJsonObject(status)))
                .as(what + " " + status)
                .containsExactly("application/problem+json");
          }
        }
      }
    }
    softly.assertAll();
  }

  private static List<String> templateNames(String path) {
    List<String> names = new ArrayList<>();
    Matcher m = TEMPLATE.matcher(path);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The path parameters of the path item and the operation ({@code $ref}s followed). */
  private static List<String> pathParameters(JsonObject item, JsonObject operation) {
    List<String> names = new ArrayList<>();
    for (JsonArray list :
        List.of(
            item.getJsonArray("parameters", new JsonArray()),
            operation.getJsonArray("parameters", new JsonArray()))) {
      for (Object p : list) {
        JsonObject parameter = follow((JsonObject) p);
        if (parameter.getString("in").equals("path")) {
          names.add(parameter.getString("name"));
        }
      }
    }
    return names;
  }

  private static Set<String> mediaTypes(JsonObject response) {
    return follow(response).getJsonObject("content", new JsonObject()).fieldNames();
  }

  /** A local {@code $ref} such as {@code #/components/responses/NotFound}, followed once. */
  private static JsonObject follow(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    JsonObject target = document.raw();
    for (String part : ref.substring(2).split("/")) {
      target = target.getJsonObject(part);
    }
    return target;
  }
}
