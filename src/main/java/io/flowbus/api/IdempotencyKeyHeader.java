package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
import io.flowbus.model.ScheduleDef;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The {@code Idempotency-Key} header of a request to create a run, checked. */
final class IdempotencyKeyHeader {
  static final String NAME = "Idempotency-Key";

  /** The longest key taken. */
  static final int MAX_LENGTH = 255;

  private IdempotencyKeyHeader() {}

  /** The key; null if the request has none; a 400 if it is empty, too long or not printable. */
  static String of(RoutingContext rc) {
    List<String> values = rc.request().headers().getAll(NAME);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ProblemException.badRequest(
          "the " + NAME + " header is given " + values.size() + " times");
    }
    String key = HeaderText.utf8(values.get(0));
    if (key == null) {
      throw ProblemException.badRequest("the " + NAME + " header is not UTF-8");
    }
    return checked(key);
  }

  /**
   * {@code key} if it may be used; a 400 if not. Keys of schedules' runs ({@link
   * ScheduleDef#idempotencyKeyOf}) are kept out of reach, so that no request can take or spoil a
   * due time's run before it fires.
   */
  static String checked(String key) {
    if (key.isBlank()) {
      throw ProblemException.badRequest("the " + NAME + " header is empty");
    }
    if (key.length() > MAX_LENGTH) {
      throw ProblemException.badRequest(
          "the "
              + NAME
              + " header has "
              + key.length()
              + " characters; at most "
              + MAX_LENGTH
              + " are taken");
    }
    if (key.chars().anyMatch(Character::isISOControl)) {
      throw ProblemException.badRequest("the " + NAME + " header holds a control character");
    }
    if (key.startsWith(ScheduleDef.KEY_PREFIX)) {
      throw ProblemException.badRequest(
          "an "
              + NAME
              + " may not start with '"
              + ScheduleDef.KEY_PREFIX
              + "': such keys belong to the runs of schedules; choose another key");
    }
    return key;
  }
}
