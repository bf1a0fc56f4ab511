package dev.ingest.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a method and a path onto a route. Templates are literal segments and {@code {name}} segments that
 * match any one segment; a trailing slash is ignored. An unknown path answers 404, a known path with
 * another method 405 with {@code Allow}.
 */
public final class Router {
  /** Who may call a route. */
  public enum Access {
    /** Anyone: health, metrics, the API description, tus discovery. */
    PUBLIC,
    /** An API key. */
    KEY,
    /** An API key, or a job token for the job the path names. */
    KEY_OR_JOB_TOKEN
  }

  /** What a route does with an exchange. */
  @FunctionalInterface
  public interface Handler {
    void handle(Exchange exchange) throws Exception;
  }

  public record Route(String method, String template, Access access, Handler handler) {
    String[] segments() {
      return split(template);
    }
  }

  public record Match(Route route, Map<String, String> params) {}

  private final List<Route> routes = new ArrayList<>();

  public Router add(String method, String template, Access access, Handler handler) {
    routes.add(new Route(method, template, access, handler));
    return this;
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }

  public Match match(String method, String path) {
    String[] parts = split(path);
    Set<String> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      Map<String, String> params = matches(route.segments(), parts);
      if (params == null) {
        continue;
      }
      if (route.method().equals(method)) {
        return new Match(route, params);
      }
      allowed.add(route.method());
    }
    if (allowed.isEmpty()) {
      throw ApiError.notFound("no such route: " + path);
    }
    throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path)
        .header("Allow", String.join(", ", allowed));
  }

  private static Map<String, String> matches(String[] template, String[] path) {
    if (template.length != path.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < template.length; i++) {
      String t = template[i];
      if (t.startsWith("{") && t.endsWith("}")) {
        if (path[i].isEmpty()) {
          return null;
        }
        params.put(t.substring(1, t.length() - 1), path[i]);
      } else if (!t.equals(path[i])) {
        return null;
      }
    }
    return params;
  }

  static String[] split(String path) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    if (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }
}
