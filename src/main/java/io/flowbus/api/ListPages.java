package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Pages a short list that comes whole (jobs, schedules, a run's notifications) as every list of the
 * API is paged: {@code {"items": [...], "next": <cursor> or null}}, where the cursor is the last
 * item's id and {@code after=<cursor>} asks for the items that follow it.
 */
record ListPages(Integer limit, String after) {
  /** The query parameters of a paged list. */
  static final Set<String> PARAMS = Set.of("limit", "after");

  private static final int MAX_LIMIT = 1_000;

  /**
   * The request's {@code limit} (null for all) and {@code after}, read once, before the list is
   * asked for; a 400 for any other query parameter or a bad limit.
   */
  static ListPages of(RoutingContext rc) {
    Params.only(rc, PARAMS);
    return new ListPages(Params.integer(rc, "limit", 1, MAX_LIMIT), Params.single(rc, "after"));
  }

  /**
   * The page of {@code whole}'s items that this asks for, with its {@code next}; a 400 when {@code
   * after} names no item of the list.
   */
  JsonObject page(JsonObject whole) {
    return page(whole, limit, after);
  }

  /** The page of {@code whole}'s items: at most {@code limit} (all if null) after {@code after}. */
  static JsonObject page(JsonObject whole, Integer limit, String after) {
    JsonArray items = whole.getJsonArray("items");
    int from = after == null ? 0 : indexOf(items, after) + 1;
    if (from == 0 && after != null) {
      throw ProblemException.badRequest("'after' names no item of this list: '" + after + "'");
    }
    int to = limit == null ? items.size() : Math.min(items.size(), from + limit);
    JsonArray page = new JsonArray();
    for (int i = from; i < to; i++) {
      page.add(items.getValue(i));
    }
    String next = to < items.size() && to > from ? id(items, to - 1) : null;
    return whole.copy().put("items", page).put("next", next);
  }

  private static int indexOf(JsonArray items, String id) {
    for (int i = 0; i < items.size(); i++) {
      if (id.equals(id(items, i))) {
        return i;
      }
    }
    return -1;
  }

  private static String id(JsonArray items, int i) {
    return items.getJsonObject(i).getString("id");
  }
}
