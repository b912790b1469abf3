package io.flowbus.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.TreeSet;

/**
 * The methods a path answers, for the {@code Allow} header of a 405 (RFC 9110 §15.5.6): those of
 * every route of the router whose path pattern ({@code /api/runs/:id}, {@code /assets/*}) the path
 * fits.
 */
final class AllowedMethods {
  private final Router router;

  AllowedMethods(Router router) {
    this.router = router;
  }

  /** The methods, such as {@code "GET, POST"}; empty when no route names any for the path. */
  String of(String path) {
    Set<String> methods = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      Set<HttpMethod> allowed = route.methods();
      if (allowed != null && fits(route.getPath(), path)) {
        allowed.forEach(m -> methods.add(m.name()));
      }
    }
    return String.join(", ", methods);
  }

  /** Whether {@code path} fits {@code pattern}: a {@code :name} segment takes any one segment. */
  static boolean fits(String pattern, String path) {
    if (pattern == null || path == null) {
      return false;
    }
    if (pattern.endsWith("*")) {
      return path.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    String[] want = pattern.split("/", -1);
    String[] got = path.split("/", -1);
    if (want.length != got.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      boolean any = want[i].startsWith(":") && !got[i].isEmpty();
      if (!any && !want[i].equals(got[i])) {
        return false;
      }
    }
    return true;
  }
}
