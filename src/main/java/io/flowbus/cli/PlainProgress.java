package io.flowbus.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * For a pipe or a file: one line per change of a stage, never a control character. A change of
 * state is printed at once; a change of counts at most once a second per stage (a stage of 100,000
 * tasks does not print 100,000 lines), the latest counts always.
 */
final class PlainProgress implements ProgressView {
  static final Duration COUNTS_EVERY = Duration.ofSeconds(1);

  private final PrintWriter out;
  private final Clock clock;
  private final Map<Integer, Printed> printed = new HashMap<>();
  private String runState = "";

  private record Printed(String state, String change, Instant at) {}

  PlainProgress(PrintWriter out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  @Override
  public void show(RunProgress run) {
    print(run, false);
  }

  @Override
  public void finish(RunProgress run) {
    print(run, true);
    out.println(Formats.summary(run));
    out.flush();
  }

  private void print(RunProgress run, boolean all) {
    if (!run.state().equals(runState) && !run.state().isEmpty()) {
      runState = run.state();
      out.println("run " + run.runId() + " (" + run.job() + "): " + runState);
    }
    Instant now = clock.instant();
    for (StageProgress stage : run.stages()) {
      Printed last = printed.get(stage.index());
      if (last != null && last.change().equals(stage.change())) {
        continue;
      }
      boolean stateChanged = last == null || !last.state().equals(stage.state());
      if (stateChanged || all || !now.isBefore(last.at().plus(COUNTS_EVERY))) {
        out.println(line(stage));
        printed.put(stage.index(), new Printed(stage.state(), stage.change(), now));
      }
    }
    out.flush();
  }

  static String line(StageProgress stage) {
    return "stage " + stage.name() + ": " + stage.state() + ", " + Formats.counts(stage);
  }

  @Override
  public void close() {
    out.flush();
  }
}
