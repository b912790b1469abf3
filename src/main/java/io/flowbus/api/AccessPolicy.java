package io.flowbus.api;

import io.flowbus.cluster.ProblemException;
import io.flowbus.config.AccessRole;
import io.flowbus.config.ApiKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Who may call what. Every route of the HTTP server declares what it needs where it is registered,
 * with {@link #open} or {@link #needs}; the declaration is kept on the route ({@link #NEEDS}), and
 * a router with a route that declares nothing is refused ({@link #checkDeclared}). With no key
 * configured every request has every right; with keys, a request without a known key in {@code
 * X-API-Key} is a 401 and one whose key has too small a role a 403 naming the role needed.
 */
final class AccessPolicy {
  /** Route metadata: the {@link AccessRole} the route needs, {@link #OPEN} or {@link #FILTER}. */
  static final String NEEDS = "flowbus.needs";

  static final String OPEN = "open";
  static final String FILTER = "filter";
  static final String HEADER = "X-API-Key";
  private static final String KEY_ROLE = "flowbus.key-role";

  private final ApiKeys keys;

  AccessPolicy(ApiKeys keys) {
    this.keys = keys;
  }

  /** {@code route} serves anyone, with or without a key. */
  Route open(Route route) {
    return route.putMetadata(NEEDS, OPEN);
  }

  /**
   * {@code route} prepares every request for the routes after it and answers none itself (a body
   * handler, say): it needs what each of those routes needs.
   */
  Route filter(Route route) {
    return route.putMetadata(NEEDS, FILTER);
  }

  /** {@code route} serves only requests whose key has at least {@code role}. */
  Route needs(AccessRole role, Route route) {
    return route.putMetadata(NEEDS, role).handler(rc -> check(rc, role));
  }

  /**
   * {@code GET /api/access}: the role of the request's key, and whether the node wants keys, so
   * that a client (the web UI) shows only what the key may do. Behind {@link #needs}, so an unknown
   * key is a 401 here as anywhere.
   */
  void describe(RoutingContext rc) {
    rc.json(
        new JsonObject().put("role", roleOf(rc).wireName()).put("keys_required", !keys.isEmpty()));
  }

  /** Throws if a route of {@code router} with a path has declared nothing. */
  static void checkDeclared(Router router) {
    List<String> undeclared =
        router.getRoutes().stream()
            .filter(r -> r.getPath() != null && r.getMetadata(NEEDS) == null)
            .map(r -> (r.methods() == null ? "*" : r.methods().toString()) + " " + r.getPath())
            .toList();
    if (!undeclared.isEmpty()) {
      throw new IllegalStateException(
          "routes that declare no access (AccessPolicy.open or needs): " + undeclared);
    }
  }

  private void check(RoutingContext rc, AccessRole needed) {
    AccessRole has = roleOf(rc);
    if (has == null) {
      String given = rc.request().getHeader(HEADER);
      rc.response().putHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
      rc.fail(
          new ProblemException(
              401,
              "Unauthorized",
              given == null
                  ? "this API needs the " + HEADER + " header"
                  : "the " + HEADER + " is not valid"));
    } else if (!has.allows(needed)) {
      rc.fail(
          new ProblemException(
              403,
              "Forbidden",
              "this needs the " + needed.wireName() + " role; the key has " + has.wireName()));
    } else {
      rc.next();
    }
  }

  /** The role of the request's key (every right when no key is configured), or null for none. */
  private AccessRole roleOf(RoutingContext rc) {
    if (keys.isEmpty()) {
      return AccessRole.ADMIN;
    }
    AccessRole known = rc.get(KEY_ROLE);
    if (known == null) {
      known = keys.roleOf(HeaderText.utf8(rc.request().getHeader(HEADER)));
      if (known != null) {
        rc.put(KEY_ROLE, known);
      }
    }
    return known;
  }
}
