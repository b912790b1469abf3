package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.LocalVertx;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PortInUseTest {
  @RegisterExtension final LocalVertx local = new LocalVertx();
  private final Vertx vertx = local.vertx();

  @Test
  void aBusyPortIsNamed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
      int port = taken.getLocalPort();

      Future<HttpServer> listening =
          PortInUse.listen(vertx.createHttpServer().requestHandler(r -> {}), port);

      Awaitility.await().until(listening::isComplete);
      assertThat(listening.failed()).isTrue();
      assertThat(listening.cause())
          .isInstanceOf(PortInUse.class)
          .hasToString("port " + port + " is already in use; choose another with --port");
    }
  }

  @Test
  void aFreePortIsListenedOn() throws Exception {
    Future<HttpServer> listening =
        PortInUse.listen(vertx.createHttpServer().requestHandler(r -> {}), 0);

    Awaitility.await().until(listening::isComplete);
    assertThat(listening.succeeded()).isTrue();
  }
}
