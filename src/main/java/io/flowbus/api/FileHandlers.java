package io.flowbus.api;

import io.flowbus.cluster.OrchestratorRequest;
import io.flowbus.cluster.ProblemException;
import io.flowbus.storage.DataLayout;
import io.flowbus.storage.Workspace;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A run's workspace and its tasks' output, read from the shared volume by whichever node is asked.
 * The run is looked up first, so an unknown run is a 404 even if a stray folder exists.
 */
final class FileHandlers {
  private final Vertx vertx;
  private final OrchestratorClient orchestrator;
  private final DataLayout layout;

  FileHandlers(Vertx vertx, OrchestratorClient orchestrator, DataLayout layout) {
    this.vertx = vertx;
    this.orchestrator = orchestrator;
    this.layout = layout;
  }

  private Future<JsonObject> run(String runId) {
    return orchestrator.call(new OrchestratorRequest.GetRun(runId));
  }

  void list(RoutingContext rc) {
    Params.only(rc, Set.of("limit", "after"));
    String runId = Params.runId(rc);
    int limit =
        Params.integer(rc, "limit", 1, 100_000) == null
            ? 1000
            : Params.integer(rc, "limit", 1, 100_000);
    String after = Params.single(rc, "after");
    run(runId)
        .compose(r -> vertx.executeBlocking(() -> new Workspace(layout.workspace(runId)).list()))
        .onSuccess(entries -> RunHandlers.json(rc, 200, page(entries, limit, after)))
        .onFailure(rc::fail);
  }

  private static JsonObject page(List<Workspace.Entry> entries, int limit, String after) {
    JsonArray items = new JsonArray();
    String last = null;
    for (Workspace.Entry e : entries) {
      if (after != null && e.path().compareTo(after) <= 0) {
        continue;
      }
      if (items.size() == limit) {
        return new JsonObject().put("items", items).put("next", last);
      }
      items.add(
          new JsonObject()
              .put("path", e.path())
              .put("size", e.size())
              .put("modified_at", e.modifiedAt().toString()));
      last = e.path();
    }
    return new JsonObject().put("items", items).put("next", null);
  }

  void download(RoutingContext rc) {
    String runId = Params.runId(rc);
    String raw = rc.pathParam("*");
    // the wildcard arrives still percent-encoded; '+' is a plain character in a path
    String relative =
        raw == null
            ? ""
            : java.net.URLDecoder.decode(
                raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    run(runId)
        .compose(r -> vertx.executeBlocking(() -> resolve(runId, relative)))
        .onSuccess(
            file -> {
              DownloadHeaders.file(rc.response(), file.getFileName().toString());
              HeadRequests.lengthOfFile(rc, file);
              rc.response().sendFile(file.toString()).onFailure(rc::fail);
            })
        .onFailure(rc::fail);
  }

  private Path resolve(String runId, String relative) throws Exception {
    try {
      Path file = new Workspace(layout.workspace(runId)).resolve(relative);
      if (!Files.isRegularFile(file)) {
        throw ProblemException.notFound(
            "'"
                + relative
                + "' is a directory, not a file; list the files with GET /api/runs/"
                + runId
                + "/files");
      }
      return file;
    } catch (Workspace.OutsideWorkspaceException e) {
      throw ProblemException.badRequest(e.getMessage());
    } catch (NoSuchFileException e) {
      throw ProblemException.notFound("run " + runId + " has no file '" + relative + "'");
    }
  }

  void log(RoutingContext rc) {
    Params.only(rc, Set.of("stream", "attempt"));
    String runId = Params.runId(rc);
    String taskId = rc.pathParam("task");
    String stream = Params.oneOf(rc, "stream", Set.of("stdout", "stderr"));
    Integer attempt = Params.integer(rc, "attempt", 1, Integer.MAX_VALUE);
    orchestrator
        .call(new OrchestratorRequest.GetTask(runId, taskId))
        .compose(
            task -> {
              int attempts = task.getInteger("attempts");
              int wanted = attempt == null ? attempts : attempt;
              if (attempts == 0 || wanted > attempts) {
                throw ProblemException.notFound(
                    "task "
                        + taskId
                        + " has "
                        + (attempts == 0 ? "not run yet" : "no attempt " + wanted));
              }
              String which = stream == null ? "stdout" : stream;
              return vertx.executeBlocking(
                  () -> {
                    Path file = layout.existingLog(runId, taskId, wanted, which);
                    return Files.exists(file) ? file : null;
                  });
            })
        .onSuccess(
            file -> {
              DownloadHeaders.log(rc.response());
              if (file == null) {
                rc.response().end();
              } else {
                HeadRequests.lengthOfFile(rc, file);
                rc.response().sendFile(file.toString()).onFailure(rc::fail);
              }
            })
        .onFailure(rc::fail);
  }
}
