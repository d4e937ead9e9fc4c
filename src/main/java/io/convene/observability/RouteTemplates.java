package io.convene.observability;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The route template a request was served by ({@code /v1/meetings/:meetingId}), never its raw path. Once a
 * failure is being rendered, Vert.x-Web's current route is the failure handler's, so the template is then found by
 * matching the request against the router's endpoints again.
 */
final class RouteTemplates {
  private record Endpoint(Set<HttpMethod> methods, Pattern pattern, String template) {
  }

  private final List<Endpoint> endpoints;

  private RouteTemplates(List<Endpoint> endpoints) {
    this.endpoints = endpoints;
  }

  static RouteTemplates of(Router router) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (Route route : router.getRoutes()) {
      if (isEndpoint(route)) {
        String regex = "\\Q" + route.getPath().replaceAll(":(\\w+)", "\\\\E[^/]+\\\\Q") + "\\E";
        endpoints.add(new Endpoint(route.methods(), Pattern.compile(regex), route.getPath()));
      }
    }
    return new RouteTemplates(List.copyOf(endpoints));
  }

  /**
   * The endpoint's template; else the prefix route that answered ({@code /docs/*}); {@code null} when no route
   * served the request (a 404 or 405 of the router).
   */
  String of(RoutingContext ctx) {
    Route current = ctx.currentRoute();
    if (current != null && isEndpoint(current)) {
      return current.getPath();
    }
    HttpMethod method = ctx.request().method();
    String path = ctx.normalizedPath();
    for (Endpoint endpoint : endpoints) {
      if (endpoint.methods().contains(method) && endpoint.pattern().matcher(path).matches()) {
        return endpoint.template();
      }
    }
    return current != null && current.getPath() != null ? current.getPath() + "*" : null;
  }

  private static boolean isEndpoint(Route route) {
    return route.getPath() != null && route.isExactPath() && route.methods() != null && !route.methods().isEmpty();
  }
}
