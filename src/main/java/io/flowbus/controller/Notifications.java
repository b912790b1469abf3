package io.flowbus.controller;

import io.flowbus.model.Delivery;
import io.flowbus.model.Run;
import io.flowbus.model.RunEvent;
import io.flowbus.model.RunState;
import io.flowbus.views.NotificationViews;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the notifications of ended runs, at least once: a delivery is due when the end of its
 * run is in the journal, each attempt is journaled ({@link RunEvent.NotificationAttempted}) before
 * the next is planned, and a new orchestrator plans the pending ones of every run it takes over.
 * The {@link Backoff} says when to try again and when to give up.
 */
final class Notifications {
  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

  private final Vertx vertx;
  private final Clock clock;
  private final Runs runs;
  private final RunCoordinator coordinator;
  private final WebhookSender sender;
  private final Backoff backoff;

  /** The deliveries waiting for their timer or their answer, by id. */
  private final Set<String> planned = new HashSet<>();

  Notifications(
      Vertx vertx,
      Clock clock,
      Runs runs,
      RunCoordinator coordinator,
      WebhookSender sender,
      Backoff backoff) {
    this.vertx = vertx;
    this.clock = clock;
    this.runs = runs;
    this.coordinator = coordinator;
    this.sender = sender;
    this.backoff = backoff;
  }

  /** An event of the run is durable: an end, or an attempt that failed, may call for a POST. */
  void recorded(Run run, RunEvent event) {
    if (event instanceof RunEvent.Ended
        || event instanceof RunEvent.Cancelled
        || event instanceof RunEvent.NotificationAttempted) {
      plan(run);
    }
  }

  /** Plans every pending delivery of the run that is not planned yet (a DAMAGED run sends none). */
  void plan(Run run) {
    if (run.state() == RunState.DAMAGED) {
      return;
    }
    for (Delivery delivery : run.deliveries()) {
      String id = delivery.id(run.id());
      if (delivery.pending() && planned.add(id)) {
        long delay = Duration.between(clock.instant(), delivery.nextAttemptAt()).toMillis();
        vertx.setTimer(Math.max(1, delay), t -> attempt(run.id(), delivery.number()));
      }
    }
  }

  private void attempt(String runId, int number) {
    Run run = runs.get(runId);
    Delivery delivery = pending(run, number);
    if (delivery == null) {
      planned.remove(runId + "." + number); // deleted, rolled back or given up meanwhile
      return;
    }
    Instant at = clock.instant();
    String id = delivery.id(runId);
    sender
        .post(
            delivery.url(),
            delivery.event(),
            id,
            NotificationViews.payload(run, delivery).toBuffer())
        .onSuccess(outcome -> attempted(runId, delivery, at, outcome));
  }

  /** Journals how the attempt fared, unless the delivery changed meanwhile. */
  private void attempted(String runId, Delivery before, Instant at, WebhookSender.Outcome outcome) {
    String id = before.id(runId);
    planned.remove(id);
    Run run = runs.get(runId);
    Delivery delivery = pending(run, before.number());
    if (delivery == null || delivery.attempts().size() != before.attempts().size()) {
      return;
    }
    int attempt = delivery.attempts().size() + 1;
    Instant next =
        outcome.delivered()
            ? null
            : backoff.next(
                delivery.dueAt(),
                attempt,
                clock.instant(),
                java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    if (outcome.delivered()) {
      LOG.info("notification {} ({}) delivered to {}", id, delivery.event(), delivery.url());
    } else if (next == null) {
      LOG.warn(
          "notification {} ({}) to {} given up after {} attempts: {}",
          id,
          delivery.event(),
          delivery.url(),
          attempt,
          outcome.error());
    }
    coordinator.notified(
        run,
        new RunEvent.NotificationAttempted(
            at,
            delivery.number(),
            attempt,
            outcome.status(),
            outcome.error(),
            outcome.durationMs(),
            outcome.delivered(),
            next));
  }

  private static Delivery pending(Run run, int number) {
    if (run == null
        || run.state() == RunState.DAMAGED
        || number > run.deliveries().size()
        || !run.deliveries().get(number - 1).pending()) {
      return null;
    }
    return run.deliveries().get(number - 1);
  }
}
