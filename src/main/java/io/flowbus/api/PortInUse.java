package io.flowbus.api;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.net.BindException;

/** The HTTP port another program holds: the node cannot start, and says which port. */
final class PortInUse extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  PortInUse(int port, Throwable cause) {
    super("port " + port + " is already in use; choose another with --port", cause);
  }

  /** Listens on {@code port}; fails with a {@link PortInUse} when the port is taken. */
  static Future<HttpServer> listen(HttpServer server, int port) {
    return server
        .listen(port)
        .recover(e -> Future.failedFuture(isBindFailure(e) ? new PortInUse(port, e) : e));
  }

  /** Netty's native transports throw their own IOException, not a {@link BindException}. */
  private static boolean isBindFailure(Throwable e) {
    return e instanceof BindException
        || String.valueOf(e.getMessage()).contains("Address already in use");
  }

  /** The message alone: it says all a user needs. */
  @Override
  public String toString() {
    return getMessage();
  }
}
