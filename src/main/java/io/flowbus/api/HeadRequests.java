package io.flowbus.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;

/**
 * HEAD wherever GET is (RFC 9110 §9.3.2): a HEAD request is routed again as a GET, with the same
 * access checks and headers, and the HTTP server leaves the body out. A handler that would keep the
 * response open (an event stream) asks {@link #isHead} and ends it after the headers.
 */
final class HeadRequests {
  private static final String HEAD = "flowbus.head";

  private HeadRequests() {}

  /** Routes every HEAD request of {@code router} as a GET; call before any other route. */
  static void route(Router router) {
    router
        .route()
        .method(HttpMethod.HEAD)
        .handler(
            rc -> {
              rc.put(HEAD, true);
              // the path and query, not the URI: a request may name its target in absolute form
              String query = rc.request().query();
              rc.reroute(HttpMethod.GET, rc.request().path() + (query == null ? "" : "?" + query));
            });
  }

  /**
   * For a HEAD of a file that GET sends whole: the {@code Content-Length} GET would send (the
   * server does not count a body it leaves out). A GET is left to the server, which counts what it
   * sends.
   */
  static void lengthOfFile(RoutingContext rc, Path file) {
    if (isHead(rc)) {
      rc.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(file.toFile().length()));
    }
  }

  /** Whether the request came as a HEAD (its method now reads GET). */
  static boolean isHead(RoutingContext rc) {
    return Boolean.TRUE.equals(rc.get(HEAD));
  }
}
