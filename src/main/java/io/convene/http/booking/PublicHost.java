package io.convene.http.booking;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * With {@code public_host} set, requests for that host are served as if their path began with {@code /public}:
 * the booking pages' own host shows the public surface at its root.
 */
public final class PublicHost {
  private final String host;

  public PublicHost(String host) {
    this.host = host;
  }

  /** Before every other route, so that the rerouted request runs through all of them as a public one. */
  public void mount(Router router) {
    router.route().order(-1).handler(this::reroute);
  }

  private void reroute(RoutingContext ctx) {
    String requested = ctx.request().authority() == null ? null : ctx.request().authority().host();
    String path = ctx.request().path();
    if (requested == null || !requested.toLowerCase(Locale.ROOT).equals(host) || path == null
        || path.startsWith("/public/")) {
      ctx.next();
      return;
    }
    String query = ctx.request().query();
    ctx.reroute("/public" + path + (query == null ? "" : "?" + query));
  }
}
