package io.flowbus.testing;

import io.flowbus.cli.Cli;
import io.flowbus.cli.CliContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line run in this JVM, with its output captured, its environment given, no terminal
 * (so {@code --follow} prints plain lines) and a node that is not started: the options it would
 * have been started with are kept.
 */
public final class CliRunner {
  private final Map<String, String> environment;
  private final List<List<String>> nodeStarts = new ArrayList<>();
  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  public CliRunner(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public CliRunner() {
    this(Map.of());
  }

  /** Runs one command line; its output replaces the last one's. */
  public int execute(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CliContext context =
        new CliContext(
            environment,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new SettableClock(),
            () -> null,
            options -> {
              nodeStarts.add(options);
              return 0;
            });
    return new Cli(context).execute(args);
  }

  public String out() {
    return out.toString();
  }

  public String err() {
    return err.toString();
  }

  /** The options of each node this runner would have started, in order. */
  public List<List<String>> nodeStarts() {
    return List.copyOf(nodeStarts);
  }
}
