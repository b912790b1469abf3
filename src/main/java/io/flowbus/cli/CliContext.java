package io.flowbus.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * What the commands work with, given from outside so that tests can give their own: the
 * environment, where output goes, the clock that rates are measured with, how a terminal is opened
 * for live progress, and what starts a node.
 *
 * @param environment the variables ({@code FLOWBUS_SERVER}, {@code FLOWBUS_API_KEY})
 * @param out where results go
 * @param err where problems go
 * @param clock for rates, ETAs and durations
 * @param terminals opens the terminal that {@code --follow} draws on
 * @param node runs a node with its options until it stops, answering the exit code
 */
public record CliContext(
    Map<String, String> environment,
    PrintWriter out,
    PrintWriter err,
    Clock clock,
    Terminals terminals,
    ToIntFunction<List<String>> node) {
  public CliContext {
    environment = Map.copyOf(environment);
  }
}
