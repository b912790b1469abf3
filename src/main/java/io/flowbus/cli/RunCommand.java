package io.flowbus.cli;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flowbus run JOB [-p name=value]... [-H 'Name: value']... [--follow]}. */
@Command(
    name = "run",
    description = {
      "Starts a run of a job and prints its id; with --follow, shows its stages live and exits 0",
      "only if the run succeeded (1 if it failed or was cancelled)."
    })
final class RunCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ServerOptions server = new ServerOptions();

  @Parameters(paramLabel = "JOB", description = "the job's id, such as word-count")
  String job;

  @Option(
      names = {"-p", "--param"},
      paramLabel = "NAME=VALUE",
      description = "an input of the job (repeat for more)")
  List<String> params = new ArrayList<>();

  @Option(
      names = {"-H", "--header"},
      paramLabel = "'NAME: VALUE'",
      description = "a request header, for inputs the job reads from headers (repeat for more)")
  List<String> headers = new ArrayList<>();

  @Option(
      names = {"-f", "--follow"},
      description = "show the stages live until the run ends; the exit code tells how it ended")
  boolean follow;

  RunCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    JsonObject body = new JsonObject().put("inputs", new JsonObject(inputs()));
    Map<String, String> requestHeaders = requestHeaders();
    ApiClient api = server.client(context.environment());
    ApiClient.Answer answer =
        api.post("/api/jobs/" + ApiClient.segment(job) + "/runs", body, requestHeaders);
    String id = runId(answer);
    if (!follow) {
      context.out().println(id);
      context.out().flush();
      return Cli.OK;
    }
    return new RunFollower(api, context).follow(id);
  }

  /** The run's id, from the {@code Location} the server answers with. */
  private static String runId(ApiClient.Answer answer) {
    String location = answer.headers().firstValue("Location").orElse("");
    int slash = location.lastIndexOf('/');
    return slash >= 0 ? location.substring(slash + 1) : answer.body().getString("id");
  }

  private Map<String, Object> inputs() {
    Map<String, Object> inputs = new LinkedHashMap<>();
    for (String param : params) {
      int eq = param.indexOf('=');
      if (eq <= 0) {
        throw new CliException(Cli.USAGE, "-p takes NAME=VALUE, not '" + param + "'");
      }
      String name = param.substring(0, eq);
      if (inputs.put(name, param.substring(eq + 1)) != null) {
        throw new CliException(Cli.USAGE, "-p gives the input '" + name + "' twice");
      }
    }
    return inputs;
  }

  private Map<String, String> requestHeaders() {
    Map<String, String> result = new LinkedHashMap<>();
    for (String header : headers) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        // not quoted: a header may carry a credential
        throw new CliException(Cli.USAGE, "-H takes 'NAME: VALUE': one has no ':'");
      }
      result.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
    }
    return result;
  }
}
