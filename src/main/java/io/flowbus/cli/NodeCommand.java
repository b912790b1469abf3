package io.flowbus.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flowbus node [node options]}: the node itself, also what runs without a command. */
@Command(
    name = "node",
    description = {
      "Starts a node (also what flowbus does without a command).",
      "flowbus node --help lists the node options."
    })
final class NodeCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "NODE-OPTIONS", description = "--port, --config, ... (see --help)")
  List<String> options = new ArrayList<>();

  NodeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    return context.node().applyAsInt(List.copyOf(options));
  }
}
