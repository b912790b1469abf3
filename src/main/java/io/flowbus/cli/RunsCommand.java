package io.flowbus.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flowbus runs [--job JOB] [--state STATE] [--limit N] [--after CURSOR]}. */
@Command(name = "runs", description = "Lists runs, newest first.")
final class RunsCommand implements Callable<Integer> {
  private static final int DEFAULT_LIMIT = 20;

  private final CliContext context;

  @Mixin ServerOptions server = new ServerOptions();

  @Option(names = "--job", paramLabel = "JOB", description = "only the runs of this job")
  String job;

  @Option(
      names = "--state",
      paramLabel = "STATE",
      description = "only runs in this state (RUNNING, FAILED, ...)")
  String state;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_LIMIT,
      description = "at most this many (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--after", paramLabel = "CURSOR", description = "the next page, as printed")
  String after;

  RunsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    List<String> query = new ArrayList<>(List.of("limit=" + limit));
    add(query, "job", job);
    add(query, "state", state == null ? null : state.toUpperCase(Locale.ROOT));
    add(query, "after", after);
    JsonObject page =
        server.client(context.environment()).getJson("/api/runs?" + String.join("&", query));
    Table table = new Table("ID", "JOB", "STATE", "CREATED", "DURATION");
    JsonArray items = page.getJsonArray("items", new JsonArray());
    for (int i = 0; i < items.size(); i++) {
      JsonObject run = items.getJsonObject(i);
      RunProgress progress = new RunProgress(run.getString("id"), context.clock());
      progress.onRun(run);
      table.row(
          run.getString("id"),
          run.getString("job"),
          run.getString("state"),
          run.getString("created_at"),
          Formats.duration(progress.elapsed()));
    }
    table.print(context.out());
    String next = page.getString("next");
    if (next != null) {
      context.err().println("more: " + nextPage(next));
      context.err().flush();
    }
    return Cli.OK;
  }

  /**
   * The command for the next page: this server (when given as an option; never the key), these
   * filters and limit, after {@code cursor}.
   */
  private String nextPage(String cursor) {
    StringBuilder command = new StringBuilder("flowbus runs");
    if (server.server != null) {
      command.append(" --server ").append(server.server);
    }
    if (job != null) {
      command.append(" --job ").append(job);
    }
    if (state != null) {
      command.append(" --state ").append(state.toUpperCase(Locale.ROOT));
    }
    if (limit != DEFAULT_LIMIT) {
      command.append(" --limit ").append(limit);
    }
    return command.append(" --after ").append(cursor).toString();
  }

  private static void add(List<String> query, String name, String value) {
    if (value != null) {
      query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
