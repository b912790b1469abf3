package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
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
    String key = values.get(0);
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
    return key;
  }
}
