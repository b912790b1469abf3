package io.flowbus.cli;

import java.time.Duration;
import java.util.Locale;

/** How counts, rates and durations read on one line. */
final class Formats {
  private Formats() {}

  /** {@code 0:07}, {@code 12:30}, {@code 1:02:03}; {@code -} when unknown. */
  static String duration(Duration d) {
    if (d == null) {
      return "-";
    }
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** {@code 3.2/s}, {@code 120/s}; {@code -/s} when unknown. */
  static String rate(double perSecond) {
    if (perSecond < 0) {
      return "-/s";
    }
    return String.format(Locale.ROOT, perSecond >= 10 ? "%.0f/s" : "%.1f/s", perSecond);
  }

  /** The stage's counts, rate and time left: {@code 12/40 done, 1 failed, 3.2/s, ETA 0:09}. */
  static String counts(StageProgress stage) {
    return stage.done()
        + "/"
        + stage.total()
        + " done, "
        + stage.failed()
        + " failed, "
        + rate(stage.rate())
        + ", ETA "
        + duration(stage.eta());
  }

  /** The last line: {@code run 20261126-... SUCCEEDED after 0:12}, and the error if any. */
  static String summary(RunProgress run) {
    String line = "run " + run.runId() + " " + run.state() + " after " + duration(run.elapsed());
    return run.error() == null ? line : line + ": " + run.error();
  }
}
