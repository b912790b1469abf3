package io.flowbus.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code GET /api/openapi.yaml}: the OpenAPI document of the REST API, kept in the jar beside the
 * routes it describes (a test holds the two together). Read once, off the event loop.
 */
final class OpenApiHandler implements Handler<RoutingContext> {
  /** Where the jar holds the document. */
  static final String RESOURCE = "/openapi.yaml";

  private final Future<Buffer> document;

  OpenApiHandler(Vertx vertx) {
    this.document = vertx.executeBlocking(OpenApiHandler::read);
  }

  private static Buffer read() throws IOException {
    try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("the jar holds no " + RESOURCE);
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }

  @Override
  public void handle(RoutingContext rc) {
    document
        .onSuccess(
            text ->
                rc.response()
                    .putHeader("Content-Type", "application/yaml; charset=utf-8")
                    .end(text))
        .onFailure(rc::fail);
  }
}
