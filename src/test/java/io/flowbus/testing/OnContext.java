package io.flowbus.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs test code on a Vert.x context, where the engine's state is touched, and waits for it. */
public final class OnContext {
  private OnContext() {}

  /** What {@code action} returns when run on {@code context}. */
  public static <T> T call(Context context, Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(action.call());
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(10, TimeUnit.SECONDS);
  }

  /** The result of the step started on {@code context}, which must succeed. */
  public static <T> T succeeds(Context context, Callable<Future<T>> step) throws Exception {
    Future<T> future = call(context, step);
    await().until(future::isComplete);
    assertThat(future.succeeded()).as("the step succeeded: %s", future.cause()).isTrue();
    return future.result();
  }

  /** Why {@code future} failed, once it has: it must fail. */
  public static Throwable failureOf(Future<?> future) {
    await().until(future::isComplete);
    assertThat(future.failed()).as("the step failed").isTrue();
    return future.cause();
  }
}
