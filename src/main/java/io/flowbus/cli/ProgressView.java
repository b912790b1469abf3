package io.flowbus.cli;

/** Where a followed run is shown: plain lines, or live lines on a terminal. */
interface ProgressView extends AutoCloseable {
  /** Shows the run as it is now; called on every change and once a second. */
  void show(RunProgress run);

  /** Shows the run's end, and its summary. */
  void finish(RunProgress run);

  @Override
  void close();
}
