package io.flowbus.api;

import static io.flowbus.config.AccessRole.READ;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.config.ApiKeys;
import io.flowbus.testing.Http;
import io.flowbus.testing.LocalVertx;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The web UI's files: served without a key, revalidated on every use, never a data path. */
class WebUiTest {
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();
  private Http http;

  @BeforeEach
  void serve() throws Exception {
    Router router = Router.router(vertx);
    AccessPolicy access = new AccessPolicy(ApiKeys.of(Map.of("r-key", READ)));
    WebUi.mount(router, access);
    access.needs(READ, router.get("/api/thing")).handler(rc -> rc.end("{}"));
    FailureHandler failures = new FailureHandler(1024, new AllowedMethods(router));
    router.route().failureHandler(failures);
    router.errorHandler(404, failures);
    AccessPolicy.checkDeclared(router);
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    http = new Http("http://127.0.0.1:" + server.actualPort());
  }

  @Test
  void thePageAndItsAssetsNeedNoKeyAndAreRevalidatedOnEveryUse() {
    Http.Response page = http.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.body()).contains("<script type=\"module\" src=\"assets/app.js\">");
    assertThat(page.header("Cache-Control")).isEqualTo("no-cache");
    assertThat(page.header("Last-Modified")).isNotNull();
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");

    Http.Response script = http.get("/assets/app.js");
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.header("Content-Type")).startsWith("text/javascript");
    assertThat(script.header("Cache-Control")).isEqualTo("no-cache");
    Http.Response again =
        http.withHeaders(Map.of("If-Modified-Since", script.header("Last-Modified")))
            .get("/assets/app.js");
    assertThat(again.status()).as("unchanged: not sent again").isEqualTo(304);
  }

  @Test
  void theApiStillNeedsItsKeyAndNoPathLeavesTheUiFolder() {
    assertThat(http.get("/api/thing").status()).isEqualTo(401);
    Http.Response missing = http.get("/assets/nothing.js");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(http.get("/assets/../logback.xml").status()).isEqualTo(404);
    assertThat(http.get("/assets/%2e%2e/logback.xml").status()).isEqualTo(404);
    assertThat(http.get("/index.html").status()).as("only / and /assets/*").isEqualTo(404);
  }
}
