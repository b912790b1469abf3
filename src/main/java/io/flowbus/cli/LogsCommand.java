package io.flowbus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flowbus logs RUN TASK [--stderr]}: a task's output, as the task wrote it. */
@Command(name = "logs", description = "Prints a task's stdout (or stderr) of its latest attempt.")
final class LogsCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ServerOptions server = new ServerOptions();

  @Parameters(index = "0", paramLabel = "RUN", description = "the run's id")
  String run;

  @Parameters(
      index = "1",
      paramLabel = "TASK",
      description = "the task's id, such as s0-t3 or s0-spawn (flowbus status lists the stages)")
  String task;

  @Option(names = "--stderr", description = "the task's stderr instead of its stdout")
  boolean stderr;

  LogsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String stream = stderr ? "stderr" : "stdout";
    String text =
        server
            .client(context.environment())
            .getText(
                "/api/runs/"
                    + ApiClient.segment(run)
                    + "/tasks/"
                    + ApiClient.segment(task)
                    + "/log?stream="
                    + stream);
    context.out().print(text);
    context.out().flush();
    return Cli.OK;
  }
}
