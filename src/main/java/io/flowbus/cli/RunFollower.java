package io.flowbus.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;

/**
 * Follows a run until it ends, on a terminal as live lines, elsewhere as plain lines. Changes come
 * from the run's event stream ({@link RunFeed}); the task counts are read from the run at most
 * every {@link #COUNTS_EVERY} while tasks change. Answers 0 if the run succeeded, 1 if it ended
 * otherwise.
 */
final class RunFollower {
  static final Duration COUNTS_EVERY = Duration.ofMillis(500);
  private static final Duration REDRAW_EVERY = Duration.ofMillis(250);

  private final ApiClient api;
  private final CliContext context;

  RunFollower(ApiClient api, CliContext context) {
    this.api = api;
    this.context = context;
  }

  int follow(String runId) {
    RunFeed feed = new RunFeed(api, runId, context.clock());
    Thread reader = new Thread(feed, "flowbus-follow");
    reader.setDaemon(true);
    reader.start();
    RunProgress run = new RunProgress(runId, context.clock());
    Instant countsRead = Instant.MIN;
    try (ProgressView view = view()) {
      while (true) {
        RunFeed.Update update = feed.updates().poll(REDRAW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        for (; update != null; update = feed.updates().poll()) {
          if (update instanceof RunFeed.Update.Failed failed) {
            throw failed.failure();
          }
          if (update instanceof RunFeed.Update.Ended) {
            view.finish(run);
            return run.succeeded() ? Cli.OK : Cli.RUN_NOT_SUCCEEDED;
          }
          apply(update, run);
        }
        Instant now = context.clock().instant();
        if (!now.isBefore(countsRead.plus(COUNTS_EVERY)) && feed.takeCountsStale()) {
          countsRead = now;
          readCounts(run);
        }
        view.show(run);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Cli.SERVER, "interrupted", false, e);
    } finally {
      reader.interrupt();
    }
  }

  private static void apply(RunFeed.Update update, RunProgress run) {
    if (update instanceof RunFeed.Update.Run r) {
      run.onRun(r.run());
    } else if (update instanceof RunFeed.Update.Stage s) {
      run.onStage(s.stage());
    }
  }

  /** The counts as the run has them now; a failed read is left to the stream's own retries. */
  private void readCounts(RunProgress run) {
    try {
      run.onRun(api.getJson("/api/runs/" + ApiClient.segment(run.runId())));
    } catch (CliException e) {
      // the feed tells when the server is gone for good
    }
  }

  private ProgressView view() {
    Terminal terminal;
    try {
      terminal = context.terminals().open();
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      terminal = null; // no terminal to draw on: plain lines do
    }
    return terminal == null
        ? new PlainProgress(context.out(), context.clock())
        : new TerminalProgress(terminal);
  }
}
