package io.flowbus.api;

import io.flowbus.cluster.DefinitionsStore;
import io.flowbus.cluster.ProblemException;
import io.flowbus.cluster.Problems;
import io.flowbus.definitions.DefinitionsException;
import io.flowbus.definitions.Problem;
import io.flowbus.model.JobDef;
import io.flowbus.model.TaskClass;
import io.flowbus.views.RunViews;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;

/** Jobs, and the definitions in force: read them, or replace them on every node at once. */
final class DefinitionHandlers {
  private final DefinitionsStore definitions;

  DefinitionHandlers(DefinitionsStore definitions) {
    this.definitions = definitions;
  }

  void jobs(RoutingContext rc) {
    ListPages pages = ListPages.of(rc);
    JsonArray items = new JsonArray();
    definitions.current().definitions().jobs().values().forEach(j -> items.add(RunViews.job(j)));
    RunHandlers.json(rc, 200, pages.page(new JsonObject().put("items", items)));
  }

  void job(RoutingContext rc) {
    String id = rc.pathParam("job");
    JobDef job =
        definitions
            .current()
            .definitions()
            .job(id)
            .orElseThrow(() -> ProblemException.notFound("no job has the id '" + id + "'"));
    RunHandlers.json(rc, 200, RunViews.job(job));
  }

  void get(RoutingContext rc) {
    DefinitionsStore.Version current = definitions.current();
    rc.response()
        .putHeader("Content-Type", "application/yaml; charset=utf-8")
        .putHeader("ETag", "\"" + current.version() + "\"")
        .end(current.text());
  }

  /**
   * Reads the raw body (not decoded as a form, whatever its declared type) and fails at once when
   * it passes {@code limit}, chunked or not.
   */
  void put(RoutingContext rc, long limit) {
    BodyReader.read(rc, limit)
        .onSuccess(
            body -> {
              if (body.length() == 0) {
                rc.fail(ProblemException.badRequest("the body must hold the definitions as YAML"));
              } else {
                replace(rc, body.toString(StandardCharsets.UTF_8));
              }
            })
        .onFailure(rc::fail);
  }

  private void replace(RoutingContext rc, String text) {
    definitions
        .replace(text, "PUT /api/definitions")
        .onSuccess(v -> RunHandlers.json(rc, 200, summary(v)))
        .onFailure(
            e -> {
              if (e instanceof DefinitionsException invalid) {
                rc.fail(new ProblemException(problem(invalid)));
              } else {
                rc.fail(e);
              }
            });
  }

  private static JsonObject summary(DefinitionsStore.Version v) {
    return new JsonObject()
        .put("version", v.version())
        .put(
            "tasks",
            new JsonArray(v.definitions().tasks().values().stream().map(TaskClass::id).toList()))
        .put(
            "jobs",
            new JsonArray(v.definitions().jobs().values().stream().map(JobDef::id).toList()));
  }

  private static JsonObject problem(DefinitionsException e) {
    JsonArray errors = new JsonArray();
    for (Problem p : e.problems()) {
      errors.add(
          new JsonObject()
              .put("file", p.file())
              .put("line", p.line())
              .put("column", p.column())
              .put("path", p.path())
              .put("message", p.message()));
    }
    return Problems.problem(
            400,
            "Invalid definitions",
            e.problems().size()
                + " problem"
                + (e.problems().size() == 1 ? "" : "s")
                + "; nothing was changed")
        .put("errors", errors);
  }
}
