package io.flowbus.controller;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;

/** One timer that runs an action at the earliest time asked for; asking again moves it. */
final class WakeUp {
  private final Vertx vertx;
  private final Runnable action;
  private long timer = -1;
  private Instant at;

  WakeUp(Vertx vertx, Runnable action) {
    this.vertx = vertx;
    this.action = action;
  }

  /** Runs the action at {@code next} (nothing if null) instead of any time asked before. */
  void at(Instant now, Instant next) {
    if (next == null || next.equals(at)) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    at = next;
    timer =
        vertx.setTimer(
            Math.max(1, Duration.between(now, next).toMillis()),
            t -> {
              timer = -1;
              at = null;
              action.run();
            });
  }
}
