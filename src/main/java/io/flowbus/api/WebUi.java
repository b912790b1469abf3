package io.flowbus.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web UI: static files from the jar ({@code webui/} on the class path), served at {@code /} and
 * {@code /assets/*} without a key. The page holds no data of its own: it asks for the key and sends
 * it with every {@code /api} request it makes.
 *
 * <p>The files' names carry no version, so a browser revalidates each one on every use ({@code
 * no-cache}, answered 304 while unchanged) and picks up a new jar at once. A strict content
 * security policy lets the page run only its own scripts: a value that slipped into the page as
 * markup still could not run.
 *
 * <p>The static handler pauses the request while it looks the file up and does not resume it when
 * it answers, so the request's end would stay queued: the server would count it as active for ever
 * ({@code vertx_http_server_active_requests} grew by one with each file served). The request is
 * resumed once the answer has gone.
 */
final class WebUi {
  static final String ROOT = "webui";

  static final String SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

  private WebUi() {}

  static void mount(Router router, AccessPolicy access) {
    // a route ending in /* hands the handler the path below it
    access.open(router.get("/")).handler(WebUi::headers).handler(files(ROOT));
    access.open(router.get("/assets/*")).handler(WebUi::headers).handler(files(ROOT + "/assets"));
  }

  private static StaticHandler files(String root) {
    return StaticHandler.create(root)
        .setCachingEnabled(true)
        .setDirectoryListing(false)
        .setDefaultContentEncoding("UTF-8");
  }

  private static void headers(RoutingContext rc) {
    HttpServerResponse response = rc.response();
    rc.addEndHandler(v -> rc.request().resume());
    rc.addHeadersEndHandler(
        v -> {
          if (response.getStatusCode() < 400) {
            response.headers().set(HttpHeaders.CACHE_CONTROL, "no-cache");
          }
          response
              .putHeader("Content-Security-Policy", SECURITY_POLICY)
              .putHeader("X-Content-Type-Options", "nosniff")
              .putHeader("Referrer-Policy", "no-referrer");
        });
    rc.next();
  }
}
