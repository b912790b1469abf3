package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
import io.flowbus.model.InputSource;
import io.flowbus.model.InputSpec;
import io.flowbus.model.JobDef;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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

  /** The header's text: HTTP hands its bytes over one char each (ISO-8859-1), read as UTF-8. */
  private static String utf8(InputSpec input, String value) {
    if (value.chars().allMatch(c -> c < 0x80)) {
      return value;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
          .toString();
    } catch (CharacterCodingException e) {
      throw refused(input, "is not UTF-8");
    }
  }

  private static ProblemException refused(InputSpec input, String why) {
    return ProblemException.badRequest(
        "header " + input.key() + " (input '" + input.name() + "') " + why);
  }
}
