package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The values of a job's header inputs in a request, by lower-case header name. Only the headers the
 * job reads as inputs travel on: never cookies, never anything else.
 */
final class HeaderInputs {
  private HeaderInputs() {}

  /**
   * The job's header inputs given in the request; a 400 for a header given twice, or one whose
   * bytes are not UTF-8 (they would reach the task changed). None for an unknown job (null).
   */
  static Map<String, String> of(RoutingContext rc, JobDef job) {
    Map<String, String> headers = new HashMap<>();
    if (job == null) {
      return headers;
    }
    for (InputSpec input : job.inputs().values()) {
      if (input.source() != InputSource.HTTP_HEADER) {
        continue;
      }
      List<String> values = rc.request().headers().getAll(input.key());
      if (values.size() > 1) {
        throw refused(input, "is given " + values.size() + " times");
      }
      if (!values.isEmpty()) {
        headers.put(input.key().toLowerCase(Locale.ROOT), utf8(input, values.get(0)));
      }
    }
    return headers;
  }

  /** The header's text, read as UTF-8; a 400 if it is not. */
  private static String utf8(InputSpec input, String value) {
    String text = HeaderText.utf8(value);
    if (text == null) {
      throw refused(input, "is not UTF-8");
    }
    return text;
  }

  private static ProblemException refused(InputSpec input, String why) {
    return ProblemException.badRequest(
        "header " + input.key() + " (input '" + input.name() + "') " + why);
  }
}
