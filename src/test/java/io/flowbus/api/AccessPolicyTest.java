package io.flowbus.api;

import static io.flowbus.config.AccessRole.ADMIN;
import static io.flowbus.config.AccessRole.OPERATE;
import static io.flowbus.config.AccessRole.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowbus.config.AccessRole;
import io.flowbus.config.ApiKeys;
import io.flowbus.testing.Http;
import io.flowbus.testing.LocalVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The policy alone, on a router of its own: who gets 401, 403 or through, and undeclared routes.
 */
class AccessPolicyTest {
  private static final ApiKeys KEYS =
      ApiKeys.of(Map.of("r-key", READ, "o-key", OPERATE, "a-key", ADMIN));

  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();

  @Test
  void withoutKeysEveryRouteIsOpenWithEveryRight() throws Exception {
    Http http = serve(new AccessPolicy(ApiKeys.NONE));

    assertThat(http.post("/admin").status()).isEqualTo(200);
    assertThat(http.withHeaders(Map.of("X-API-Key", "anything")).post("/admin").status())
        .isEqualTo(200);
  }

  @Test
  void aMissingOrUnknownKeyIsA401ProblemEvenOnAReadRoute() throws Exception {
    Http http = serve(new AccessPolicy(KEYS));

    Http.Response without = http.get("/read");
    assertThat(without.status()).isEqualTo(401);
    assertThat(without.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(without.header("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-API-Key\"");
    assertThat(without.json().getString("detail")).isEqualTo("this API needs the X-API-Key header");
    Http.Response unknown = http.withHeaders(Map.of("X-API-Key", "r-ke")).get("/read");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.json().getString("detail")).isEqualTo("the X-API-Key is not valid");
    assertThat(http.get("/open").status()).as("an open route needs no key").isEqualTo(200);
  }

  @Test
  void aKeyWithTooSmallARoleIsA403NamingTheRoleNeededAndTheKeys() throws Exception {
    Http http = serve(new AccessPolicy(KEYS));
    Http read = http.withHeaders(Map.of("X-API-Key", "r-key"));
    Http operate = http.withHeaders(Map.of("X-API-Key", "o-key"));

    Http.Response forbidden = read.post("/operate");
    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(forbidden.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(forbidden.json().getString("detail"))
        .isEqualTo("this needs the operate role; the key has read");
    assertThat(operate.post("/admin").json().getString("detail"))
        .isEqualTo("this needs the admin role; the key has operate");
    assertThat(read.get("/read").status()).isEqualTo(200);
    assertThat(operate.post("/operate").status()).isEqualTo(200);
    assertThat(http.withHeaders(Map.of("X-API-Key", "a-key")).post("/admin").status())
        .isEqualTo(200);
  }

  @Test
  void aKeyLearnsItsRoleAndWhetherKeysAreRequired() throws Exception {
    Http http = serve(new AccessPolicy(KEYS));

    assertThat(http.get("/api/access").status()).isEqualTo(401);
    assertThat(http.withHeaders(Map.of("X-API-Key", "r-key")).get("/api/access").json())
        .isEqualTo(new JsonObject().put("role", "read").put("keys_required", true));
    assertThat(http.withHeaders(Map.of("X-API-Key", "o-key")).get("/api/access").json())
        .isEqualTo(new JsonObject().put("role", "operate").put("keys_required", true));
    assertThat(serve(new AccessPolicy(ApiKeys.NONE)).get("/api/access").json())
        .isEqualTo(new JsonObject().put("role", "admin").put("keys_required", false));
  }

  @Test
  void aRouterWithARouteThatDeclaresNothingIsRefusedNamingIt() {
    Router router = Router.router(vertx);
    AccessPolicy access = new AccessPolicy(KEYS);
    access.needs(READ, router.get("/declared")).handler(rc -> rc.end());
    access.open(router.get("/open")).handler(rc -> rc.end());
    router.route().failureHandler(rc -> rc.end());
    assertThatCode(() -> AccessPolicy.checkDeclared(router)).doesNotThrowAnyException();

    router.post("/api/runs/:id/forgotten").handler(rc -> rc.end());

    assertThatThrownBy(() -> AccessPolicy.checkDeclared(router))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[POST] /api/runs/:id/forgotten")
        .hasMessageNotContaining("/declared");
  }

  @Test
  void aKeyBeyondAsciiIsReadAsUtf8() throws Exception {
    Http http = serve(new AccessPolicy(ApiKeys.of(Map.of("cl\u00e9", READ))));

    String utf8 = http.raw(StandardCharsets.UTF_8, "GET /read", "X-API-Key: cl\u00e9");
    String latin1 = http.raw(StandardCharsets.ISO_8859_1, "GET /read", "X-API-Key: cl\u00e9");

    assertThat(utf8).startsWith("HTTP/1.1 200");
    assertThat(latin1).as("the same text in bytes that are not UTF-8").startsWith("HTTP/1.1 401");
  }

  private Http serve(AccessPolicy access) throws Exception {
    Router router = Router.router(vertx);
    access.open(router.get("/open")).handler(rc -> rc.end("open"));
    route(access, router, READ, "/read");
    route(access, router, OPERATE, "/operate");
    route(access, router, ADMIN, "/admin");
    access.needs(READ, router.get("/api/access")).handler(access::describe);
    router.route().failureHandler(new FailureHandler(1024, new AllowedMethods(router)));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return new Http("http://127.0.0.1:" + server.actualPort());
  }

  private static void route(AccessPolicy access, Router router, AccessRole role, String path) {
    access.needs(role, role == READ ? router.get(path) : router.post(path)).handler(rc -> rc.end());
  }
}
