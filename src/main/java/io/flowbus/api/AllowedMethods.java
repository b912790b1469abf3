package io.flowbus.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.TreeSet;

/**
 * The methods a path answers, for the {@code Allow} header of a 405 (RFC 9110 §15.5.6): those of
 * every route of the router whose path pattern ({@code /api/runs/:id}, {@code /assets/*}) the path
 * fits, and HEAD wherever GET is.
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
      String pattern = route.getPath();
      // a path that ends in * is kept without it, and said not to be exact
      if (pattern != null && !route.isExactPath() && !pattern.endsWith("*")) {
        pattern = pattern + "*";
      }
      if (allowed != null && fits(pattern, path)) {
        allowed.forEach(m -> methods.add(m.name()));
      }
    }
    if (methods.contains("GET")) {
      methods.add("HEAD"); // every GET is also a HEAD (HttpVerticle)
    }
    return String.join(", ", methods);
  }

  /**
   * Whether {@code path} fits {@code pattern}: a {@code :name} segment takes any one segment, a
   * final {@code *} whatever follows.
   */
  static boolean fits(String pattern, String path) {
    if (pattern == null || path == null) {
      return false;
    }
    boolean rest = pattern.endsWith("*");
    String[] want = (rest ? pattern.substring(0, pattern.length() - 1) : pattern).split("/", -1);
    String[] got = path.split("/", -1);
    int fixed = rest ? want.length - 1 : want.length; // "/a/*" is "", "a", then the rest
    if (rest ? got.length < fixed : got.length != fixed) {
      return false;
    }
    for (int i = 0; i < fixed; i++) {
      boolean any = want[i].startsWith(":") && !got[i].isEmpty();
      if (!any && !want[i].equals(got[i])) {
        return false;
      }
    }
    return true;
  }
}
