package io.flowbus.cli;

import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.DefinitionsLoader;
import io.flowbus.model.Definitions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flowbus validate FILE}: the node's own check of a definitions file, without a node. */
@Command(
    name = "validate",
    description = {
      "Checks a definitions file as a node does when it loads it, and reports every problem",
      "with file:line:column and path. Exit code 0 if it is valid, 2 if not."
    })
final class ValidateCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "FILE", description = "the definitions file (YAML)")
  Path file;

  ValidateCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try {
      Definitions definitions = DefinitionsLoader.load(file);
      context
          .out()
          .printf(
              "%s is valid: %d task classes, %d jobs (%s)%n",
              file,
              definitions.tasks().size(),
              definitions.jobs().size(),
              String.join(", ", definitions.jobs().keySet()));
      context.out().flush();
      return Cli.OK;
    } catch (DefinitionsException invalid) {
      DefinitionsReport.print(file, invalid, context.err());
      return Cli.USAGE;
    }
  }
}
