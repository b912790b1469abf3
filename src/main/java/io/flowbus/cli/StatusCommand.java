package io.flowbus.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flowbus status RUN [--follow] [--json]}. */
@Command(
    name = "status",
    description = "Shows a run: its state, and each stage with its task counts.")
final class StatusCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ServerOptions server = new ServerOptions();

  @Parameters(paramLabel = "RUN", description = "the run's id")
  String run;

  @Option(
      names = {"-f", "--follow"},
      description = "show the stages live until the run ends, as run --follow does")
  boolean follow;

  @Option(names = "--json", description = "print the run as the API answers it")
  boolean json;

  StatusCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ApiClient api = server.client(context.environment());
    if (follow) {
      return new RunFollower(api, context).follow(run);
    }
    JsonObject answer = api.getJson("/api/runs/" + ApiClient.segment(run));
    if (json) {
      context.out().println(answer.encodePrettily());
      context.out().flush();
      return Cli.OK;
    }
    RunProgress progress = new RunProgress(run, context.clock());
    progress.onRun(answer);
    context.out().printf("run      %s%n", run);
    context.out().printf("job      %s%n", progress.job());
    context.out().printf("state    %s%n", progress.state());
    context.out().printf("created  %s%n", answer.getString("created_at"));
    context.out().printf("duration %s%n", Formats.duration(progress.elapsed()));
    if (progress.error() != null) {
      context.out().printf("error    %s%n", progress.error());
    }
    context.out().println();
    Table stages = new Table("STAGE", "NAME", "STATE", "DONE", "TOTAL", "FAILED", "RUNNING");
    for (StageProgress stage : progress.stages()) {
      stages.row(
          stage.index(),
          stage.name(),
          stage.state(),
          stage.done(),
          stage.total(),
          stage.failed(),
          stage.running());
    }
    stages.print(context.out());
    return Cli.OK;
  }
}
