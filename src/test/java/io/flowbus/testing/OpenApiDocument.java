package io.flowbus.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The API's OpenAPI document, checked against the OpenAPI meta-schema of its version (what {@code
 * OpenAPIContract.from} checks first) with every {@code $ref} resolved; answers of the node are
 * then checked against the JSON schema it gives for their operation, status and content type.
 */
public final class OpenApiDocument {
  /** The operations a document describes may use these methods. */
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch");

  private final JsonObject raw;
  private final JsonObject resolved;

  private OpenApiDocument(JsonObject raw, JsonObject resolved) {
    this.raw = raw;
    this.resolved = resolved;
  }

  /** The document as the jar holds it. */
  public static String resourceText() {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new AssertionError("no openapi.yaml on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses and validates {@code yaml}; an AssertionError lists what makes it invalid. */
  public static OpenApiDocument of(Vertx vertx, String yaml) {
    Map<String, Object> tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    JsonObject raw = new JsonObject(tree);
    OpenAPIVersion version = OpenAPIVersion.fromContract(raw);
    if (version == null) {
      throw new AssertionError("not an OpenAPI 3.0 or 3.1 document: " + raw.getValue("openapi"));
    }
    SchemaRepository repository = await(version.getRepository(vertx, "app://"));
    OutputUnit result = await(version.validateContract(vertx, repository, raw.copy()));
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new AssertionError("not a valid OpenAPI document:\n" + describe(result));
    }
    return new OpenApiDocument(raw, await(version.resolve(vertx, repository, raw.copy())));
  }

  /** The document as written, {@code $ref}s and all (a copy). */
  public JsonObject raw() {
    return raw.copy();
  }

  /** Every operation as {@code "GET /api/runs/{id}"}, sorted. */
  public Set<String> operations() {
    Set<String> operations = new TreeSet<>();
    JsonObject paths = raw.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          operations.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return operations;
  }

  /**
   * Fails unless the document gives {@code method path} an answer with the response's status (or a
   * {@code default} one) and content type, and the body fits the schema given for it.
   */
  public void assertAnswers(String method, String path, Http.Response response) {
    String what = method + " " + path + " answered " + response.status();
    JsonObject operation =
        resolved
            .getJsonObject("paths")
            .getJsonObject(path, new JsonObject())
            .getJsonObject(method.toLowerCase(Locale.ROOT));
    if (operation == null) {
      throw new AssertionError("the document has no operation " + method + " " + path);
    }
    JsonObject responses = operation.getJsonObject("responses");
    JsonObject documented =
        responses.getJsonObject(
            String.valueOf(response.status()), responses.getJsonObject("default"));
    if (documented == null) {
      throw new AssertionError(what + ", which the document does not name");
    }
    String type = response.header("Content-Type");
    JsonObject content = documented.getJsonObject("content", new JsonObject());
    if (type == null || response.body().isEmpty()) {
      if (!mediaTypes(content).isEmpty()) {
        throw new AssertionError(what + " with no body; documented: " + mediaTypes(content));
      }
      return;
    }
    String mediaType = type.split(";")[0].trim();
    JsonObject media = content.getJsonObject(mediaType, content.getJsonObject("*/*"));
    if (media == null) {
      throw new AssertionError(what + " as " + type + "; documented: " + mediaTypes(content));
    }
    Object body = mediaType.endsWith("json") ? new JsonObject(response.body()) : response.body();
    OutputUnit result =
        Validator.create(
                JsonSchema.of(media.getJsonObject("schema")),
                new JsonSchemaOptions()
                    .setDraft(Draft.DRAFT202012)
                    .setBaseUri("app://")
                    .setOutputFormat(OutputFormat.Basic))
            .validate(body);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new AssertionError(
          what + " with a body the document does not allow:\n" + describe(result) + "\n" + body);
    }
  }

  /** The media types of a resolved {@code content}, without the resolver's annotations. */
  private static Set<String> mediaTypes(JsonObject content) {
    return content.fieldNames().stream()
        .filter(name -> !name.startsWith("__"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String describe(OutputUnit result) {
    List<OutputUnit> errors = result.getErrors();
    if (errors == null || errors.isEmpty()) {
      return String.valueOf(result.getError());
    }
    return errors.stream()
        .map(e -> "  " + e.getInstanceLocation() + ": " + e.getError())
        .collect(Collectors.joining("\n"));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("reading the OpenAPI document failed: " + e, e);
    }
  }
}
