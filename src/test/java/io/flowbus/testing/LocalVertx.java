package io.flowbus.testing;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local (not clustered) Vert.x for one test, closed after it, after the test's own
 * {@code @AfterEach} methods:
 *
 * <pre>{@code
 * @RegisterExtension final LocalVertx local = new LocalVertx();
 * private final Vertx vertx = local.vertx();
 * }</pre>
 */
public final class LocalVertx implements AfterEachCallback {
  private final Vertx vertx = Vertx.vertx();

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
