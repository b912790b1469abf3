package io.flowbus.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code flowbus cancel|pause|resume|retry RUN}: prints the run's state after it. */
@Command(description = "Acts on a run.")
final class RunActionCommand implements Callable<Integer> {
  private final CliContext context;
  private final RunAction action;

  @Mixin ServerOptions server = new ServerOptions();

  @Parameters(paramLabel = "RUN", description = "the run's id")
  String run;

  RunActionCommand(CliContext context, RunAction action) {
    this.context = context;
    this.action = action;
  }

  @Override
  public Integer call() {
    JsonObject answer =
        server
            .client(context.environment())
            .post("/api/runs/" + ApiClient.segment(run) + "/" + action.command());
    context.out().println("run " + run + ": " + answer.getString("state"));
    context.out().flush();
    return Cli.OK;
  }
}
