package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
import io.flowbus.storage.DataLayout;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Query and path parameters, checked: a bad one is a 400 (or a 404 for an impossible id). */
final class Params {
  /** What run ids look like: the time they were made, to the millisecond, and a suffix. */
  private static final Pattern RUN_CURSOR = Pattern.compile("\\d{8}-\\d{6}-\\d{3}-[a-z0-9]+");

  private Params() {}

  static String runId(RoutingContext rc) {
    String id = rc.pathParam("id");
    if (!DataLayout.isRunId(id)) {
      throw ProblemException.notFound("no run has the id '" + id + "'");
    }
    return id;
  }

  /** The {@code after} of a list of runs: a run's id (of a run that may be gone since). */
  static String runCursor(RoutingContext rc) {
    String after = single(rc, "after");
    if (after != null && !RUN_CURSOR.matcher(after).matches()) {
      throw ProblemException.badRequest("'after' must be a run id, not '" + after + "'");
    }
    return after;
  }

  static String single(RoutingContext rc, String name) {
    List<String> values = rc.queryParam(name);
    if (values.size() > 1) {
      throw ProblemException.badRequest(
          "query parameter '" + name + "' is given " + values.size() + " times");
    }
    if (name.indexOf('\0') >= 0 || (!values.isEmpty() && values.get(0).indexOf('\0') >= 0)) {
      // no command argument can hold it: refused here rather than failing the task later
      throw ProblemException.badRequest(
          "query parameter '" + name.replace('\0', '?') + "' holds a NUL");
    }
    if ((name + (values.isEmpty() ? "" : values.get(0))).indexOf('\uFFFD') >= 0
        && !QueryText.isUtf8(rc.request().query())) {
      // the decoder put U+FFFD where the bytes were: the value would reach the task changed
      throw ProblemException.badRequest(
          "the query holds a %-escaped byte sequence that is not UTF-8 (at '" + name + "')");
    }
    return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }

  static Integer integer(RoutingContext rc, String name, int min, int max) {
    String text = single(rc, name);
    if (text == null) {
      return null;
    }
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ProblemException.badRequest(
        "'"
            + name
            + "' must be a whole number from "
            + min
            + " to "
            + max
            + ", not '"
            + text
            + "'");
  }

  static String oneOf(RoutingContext rc, String name, Set<String> allowed) {
    String value = single(rc, name);
    if (value != null && !allowed.contains(value)) {
      throw ProblemException.badRequest(
          "'"
              + name
              + "' must be one of "
              + String.join(", ", allowed.stream().sorted().toList())
              + ", not '"
              + value
              + "'");
    }
    return value;
  }

  /** Fails on query parameters this endpoint does not know (a typo would otherwise be ignored). */
  static void only(RoutingContext rc, Set<String> known) {
    for (String name : rc.queryParams().names()) {
      if (!known.contains(name)) {
        throw ProblemException.badRequest(
            "unknown query parameter '"
                + name
                + "' (known: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }
}
