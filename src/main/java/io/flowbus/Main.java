package io.flowbus;

import io.flowbus.cli.Cli;
import io.flowbus.cli.CliContext;
import io.flowbus.cli.Terminals;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * {@code java -jar flowbus.jar [COMMAND] [options]}: the node ({@code node}, also without a
 * command) or one of the commands that use a node ({@code validate}, {@code run}, {@code runs},
 * ...). The process exits with the command's exit code.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    CliContext context =
        new CliContext(
            System.getenv(),
            out,
            err,
            Clock.systemUTC(),
            Terminals.system(),
            options -> new NodeProcess(err, System.getenv()).run(options));
    int code = new Cli(context).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
