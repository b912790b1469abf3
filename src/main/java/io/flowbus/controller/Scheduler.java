package io.flowbus.controller;

import io.flowbus.cluster.Addresses;
import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.model.Definitions;
import io.flowbus.model.Overlap;
import io.flowbus.model.Run;
import io.flowbus.model.ScheduleDef;
import io.flowbus.model.ScheduleEvent;
import io.flowbus.model.ScheduleState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires the schedules on the orchestrator: a timer wakes it at the next due time (and at least
 * every {@link #MAX_WAIT}, so that a jump of the clock or a change of the definitions is seen), and
 * each {@link #tick} fires what is due. A schedule is armed the first time it is seen, and again
 * when its definition changed or it comes back after it was removed: the due times after that are
 * its own. Of the due times missed while no orchestrator ran, the latest fires and the older ones
 * are skipped. Touched on the orchestrator's event loop only.
 */
final class Scheduler {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  static final Duration MAX_WAIT = Duration.ofSeconds(15);
  private static final long MIN_WAIT_MS = 20;

  /** When the last tick looked at the schedules; null before the first. */
  private Instant lastTick;

  private final Vertx vertx;
  private final Clock clock;
  private final DefinitionsStore definitions;
  private final ScheduleBook book;
  private final ScheduleFires fires;
  private final Runs runs;
  private final Set<String> busy = new HashSet<>();
  private MessageConsumer<String> changes;
  private long timer = -1;
  private boolean stopped;

  Scheduler(
      Vertx vertx,
      Clock clock,
      DefinitionsStore definitions,
      ScheduleBook book,
      ScheduleFires fires,
      Runs runs) {
    this.vertx = vertx;
    this.clock = clock;
    this.definitions = definitions;
    this.book = book;
    this.fires = fires;
    this.runs = runs;
  }

  /** Fires what is due now, then keeps firing on time; definitions put in force wake it. */
  void start() {
    changes = vertx.eventBus().consumer(Addresses.DEFINITIONS_CHANGED, m -> wakeIn(200));
    wakeIn(0);
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (changes != null) {
      changes.unregister();
    }
  }

  /**
   * Handles every schedule once, as of now; completes when what it started has ended, failed or not
   * (a failure is logged, and what it left undone is done at a later tick).
   */
  Future<Void> tick() {
    Instant now = clock.instant();
    lastTick = now;
    Definitions defs = definitions.current().definitions();
    List<Future<?>> work = new ArrayList<>();
    for (String id : book.schedules()) {
      ScheduleEvent.Fired pending = book.get(id).pending();
      if (pending != null) {
        work.add(guard(id, () -> fires.complete(defs.schedule(id).orElse(null), pending)));
      }
    }
    for (ScheduleDef schedule : defs.schedules().values()) {
      work.add(guard(schedule.id(), () -> due(schedule, now)));
    }
    for (String id : book.schedules()) {
      ScheduleState state = book.get(id);
      if (state.armed() && state.pending() == null && defs.schedule(id).isEmpty()) {
        work.add(guard(id, () -> book.record(new ScheduleEvent.Removed(now, id))));
      }
    }
    return Future.join(work).transform(ar -> Future.succeededFuture());
  }

  private Future<?> due(ScheduleDef schedule, Instant now) {
    ScheduleState state = book.get(schedule.id());
    String fingerprint = schedule.fingerprint();
    if (!state.armed() || !fingerprint.equals(state.fingerprint())) {
      // first seen, changed or back after it was removed: no time before now is its to fire
      return book.record(new ScheduleEvent.Armed(now, schedule.id(), fingerprint));
    }
    if (state.paused() || state.pending() != null) {
      return Future.succeededFuture();
    }
    Optional<Instant> due = schedule.cron().latest(state.since(), now);
    if (due.isEmpty()) {
      return Future.succeededFuture();
    }
    int missed = schedule.cron().countBetween(state.since(), due.get(), 10_000);
    if (missed > 0) {
      LOG.warn(
          "schedule {}: {} due time(s) before {} were missed while no orchestrator ran; skipped",
          schedule.id(),
          missed == 10_000 ? "10000 or more" : missed,
          due.get());
    }
    Run last = state.lastRun() == null ? null : runs.get(state.lastRun());
    if (schedule.overlap() == Overlap.SKIP && last != null && !last.state().ended()) {
      String reason = "its last run " + last.id() + " is still " + last.state();
      LOG.info("schedule {}: due time {} skipped: {}", schedule.id(), due.get(), reason);
      return book.record(new ScheduleEvent.Skipped(now, schedule.id(), due.get(), reason));
    }
    LOG.info("schedule {}: due time {} fires", schedule.id(), due.get());
    return fires.fire(schedule, due.get());
  }

  /** Runs {@code work} for a schedule unless work for it is still on its way. */
  private Future<?> guard(String schedule, Supplier<Future<?>> work) {
    if (!busy.add(schedule)) {
      return Future.succeededFuture();
    }
    Future<?> done;
    try {
      done = work.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.onComplete(
        ar -> {
          busy.remove(schedule);
          if (ar.failed()) {
            LOG.warn("schedule {}: {}; tried again shortly", schedule, ar.cause().getMessage());
          }
        });
  }

  private void wakeIn(long delayMs) {
    if (stopped) {
      return;
    }
    vertx.cancelTimer(timer);
    timer =
        vertx.setTimer(
            Math.max(MIN_WAIT_MS, delayMs),
            t -> tick().onComplete(ar -> wakeIn(ceilMillis(untilNextDue()))));
  }

  /** Whole milliseconds, rounded up: a timer set for less would wake before the due time. */
  private static long ceilMillis(Duration d) {
    return d.isNegative() ? 0 : (d.toNanos() + 999_999) / 1_000_000;
  }

  /**
   * How long until the next due time of a schedule that is not paused, at most {@link #MAX_WAIT};
   * none (zero or less) when a due time of the last moment has not fired yet.
   */
  Duration untilNextDue() {
    Instant now = clock.instant();
    Instant wake = now.plus(MAX_WAIT);
    for (ScheduleDef schedule : definitions.current().definitions().schedules().values()) {
      if (busy.contains(schedule.id())) {
        continue;
      }
      Optional<Instant> next = nextDue(schedule, now);
      if (next.isPresent() && next.get().isBefore(wake)) {
        wake = next.get();
      }
    }
    return Duration.between(now, wake);
  }

  /**
   * The schedule's next due time; or one that came after the last tick looked (it came a moment
   * early: the wall clock and the timers' clock drift apart) and has not fired, which the next due
   * time after now would leave waiting for a later tick. One the last tick saw and could not fire
   * waits, as before, for the next tick.
   */
  private Optional<Instant> nextDue(ScheduleDef schedule, Instant now) {
    ScheduleState state = book.get(schedule.id());
    if (lastTick != null && state.armed() && !state.paused() && state.pending() == null) {
      Optional<Instant> first = schedule.cron().next(state.since());
      if (first.isPresent() && !first.get().isAfter(now) && first.get().isAfter(lastTick)) {
        return first;
      }
    }
    return schedule.nextDue(state, now);
  }
}
