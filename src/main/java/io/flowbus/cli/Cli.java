package io.flowbus.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * {@code flowbus [COMMAND]}: one jar, the node and the tools to use it. Without a command, or with
 * node options first, it is {@code flowbus node}, so {@code java -jar flowbus.jar --port 8081} is
 * what it always was.
 */
@Command(
    name = "flowbus",
    usageHelpAutoWidth = true,
    description = "A tiny distributed workflow engine: a node, and the commands to use one.",
    footer = {
      "",
      "Without a command, flowbus starts a node: flowbus [node options] = flowbus node [node"
          + " options]. flowbus COMMAND --help tells more."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done; for run --follow, the run succeeded",
      "1:the run followed did not succeed (failed, cancelled, damaged)",
      "2:bad usage, or invalid definitions (validate)",
      "3:the server refused the request, or could not be reached"
    })
public final class Cli {
  public static final int OK = 0;
  public static final int RUN_NOT_SUCCEEDED = 1;
  public static final int USAGE = 2;
  public static final int SERVER = 3;

  private final CommandLine commandLine;

  public Cli(CliContext context) {
    commandLine = new CommandLine(this);
    commandLine.addSubcommand(new HelpCommand());
    CommandLine node = new CommandLine(new NodeCommand(context));
    node.setUnmatchedOptionsArePositionalParams(true);
    commandLine.addSubcommand(node);
    commandLine.addSubcommand(new ValidateCommand(context));
    commandLine.addSubcommand(new RunCommand(context));
    commandLine.addSubcommand(new RunsCommand(context));
    commandLine.addSubcommand(new StatusCommand(context));
    commandLine.addSubcommand(new LogsCommand(context));
    for (RunAction action : RunAction.values()) {
      CommandLine command = new CommandLine(new RunActionCommand(context, action));
      command.getCommandSpec().usageMessage().description(action.description());
      commandLine.addSubcommand(action.command(), command);
    }
    // set last: these reach only the subcommands added before
    commandLine
        .setOut(context.out())
        .setErr(context.err())
        .setExpandAtFiles(false)
        .setExecutionExceptionHandler(Cli::onFailure);
  }

  /** Runs {@code args} and answers the exit code. */
  public int execute(String... args) {
    return commandLine.execute(withCommand(args));
  }

  CommandLine commandLine() {
    return commandLine;
  }

  /** The arguments, with {@code node} put first unless they start with a command. */
  private String[] withCommand(String[] args) {
    if (args.length > 0 && commandLine.getSubcommands().containsKey(args[0])) {
      return args;
    }
    List<String> node = new ArrayList<>(List.of("node"));
    node.addAll(Arrays.asList(args));
    return node.toArray(String[]::new);
  }

  private static int onFailure(
      Exception e, CommandLine command, CommandLine.ParseResult parseResult) throws Exception {
    if (e instanceof CliException failure) {
      command.getErr().println("flowbus: " + failure.getMessage());
      command.getErr().flush();
      return failure.exitCode();
    }
    throw e;
  }
}
