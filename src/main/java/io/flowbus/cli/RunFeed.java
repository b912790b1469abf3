package io.flowbus.cli;

import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A run's event stream, read on a thread of its own until the run has ended, and opened again
 * whenever it drops before. {@code run} and {@code stage} events are handed over as they come; a
 * {@code task} event only marks the counts as stale (they are read from the run, not summed from
 * events: a stream that starts late cannot know what each task was before).
 */
final class RunFeed implements Runnable {
  private static final Duration RETRY_EVERY = Duration.ofSeconds(1);
  private static final Duration GIVE_UP = Duration.ofSeconds(60);

  /** What the reading thread hands over. */
  sealed interface Update {
    /** A run, as an event or {@code GET /api/runs/{id}} shows it. */
    record Run(JsonObject run) implements Update {}

    /** A stage, as an event shows it. */
    record Stage(JsonObject stage) implements Update {}

    /** The run has ended: the last update before was the run as it ended. */
    record Ended() implements Update {}

    /** The stream cannot be read. */
    record Failed(CliException failure) implements Update {}
  }

  private final ApiClient api;
  private final String runId;
  private final Clock clock;
  private final BlockingQueue<Update> updates = new LinkedBlockingQueue<>();
  private final AtomicBoolean countsStale = new AtomicBoolean();

  RunFeed(ApiClient api, String runId, Clock clock) {
    this.api = api;
    this.runId = runId;
    this.clock = clock;
  }

  BlockingQueue<Update> updates() {
    return updates;
  }

  /** Whether a task changed since the last call. */
  boolean takeCountsStale() {
    return countsStale.getAndSet(false);
  }

  /**
   * Reads the stream until the run has ended. After each end of the stream the run is read once:
   * ended, it is the last update; else the stream is opened again. A server that cannot be reached
   * (or answers 5xx, as during a failover) is tried again for {@link #GIVE_UP}.
   */
  @Override
  public void run() {
    Instant failingSince = null;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        stream();
        JsonObject run = api.getJson("/api/runs/" + ApiClient.segment(runId));
        updates.add(new Update.Run(run));
        if (RunProgress.isEnded(run.getString("state", ""))) {
          updates.add(new Update.Ended());
          return;
        }
        failingSince = null;
      } catch (CliException e) {
        Instant now = clock.instant();
        failingSince = failingSince == null ? now : failingSince;
        if (!e.retryable() || now.isAfter(failingSince.plus(GIVE_UP))) {
          updates.add(new Update.Failed(e));
          return;
        }
      }
      if (!pause()) {
        return;
      }
    }
  }

  private void stream() {
    SseParser parser = new SseParser(this::onEvent);
    try (Stream<String> lines = api.lines("/api/runs/" + ApiClient.segment(runId) + "/events")) {
      lines.forEach(parser::line);
    } catch (UncheckedIOException e) {
      // the stream dropped: the run is read, and the stream opened again
    }
  }

  void onEvent(String type, String data) {
    switch (type) {
      case "run" -> updates.add(new Update.Run(new JsonObject(data)));
      case "stage" -> updates.add(new Update.Stage(new JsonObject(data)));
      default -> countsStale.set(true);
    }
  }

  private static boolean pause() {
    try {
      Thread.sleep(RETRY_EVERY.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
