package io.convene.http.console;

import io.convene.tenant.PlatformDashboard;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CSPHandler;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.XFrameHandler;

/**
 * The developer console: static pages under {@code /console/} (from the jar's {@code console/}
 * folder) that talk only to the public API, and the dashboard call they show first. The page's
 * security headers are set on {@code /console} alone, so API requests carry no extra work.
 */
public final class ConsoleRoutes {
  public static final String PATH = "/console";

  private final PlatformDashboard dashboard;

  public ConsoleRoutes(PlatformDashboard dashboard) {
    this.dashboard = dashboard;
  }

  /** The dashboard call is a tenant route under {@code /v1}; the pages are public. */
  public void mount(Router router) {
    router.get(DashboardRoute.PATH).handler(new DashboardRoute(dashboard)::handle);
    router.get(PATH).handler(ConsoleRoutes::trailingSlash);
    router.route(PATH + "/*")
        // Scripts and styles only from the console's own files: no inline code, no other origin, no framing.
        .handler(CSPHandler.create()
            .setDirective("default-src", "'none'")
            .setDirective("script-src", "'self'")
            .setDirective("style-src", "'self'")
            .setDirective("img-src", "'self'")
            .setDirective("connect-src", "'self'")
            .setDirective("base-uri", "'none'")
            .setDirective("form-action", "'none'")
            .setDirective("frame-ancestors", "'none'"))
        .handler(XFrameHandler.create(XFrameHandler.DENY))
        .handler(ConsoleRoutes::pageHeaders)
        // File lookups (and the first extraction from the jar) off the event loop, on a worker.
        .handler(StaticHandler.create(FileSystemAccess.RELATIVE, "console").setDirectoryListing(false).setAlwaysAsyncFS(true));
  }

  /** The pages' relative links need the trailing slash; a route for /console also matches /console/. */
  private static void trailingSlash(RoutingContext ctx) {
    if (ctx.request().path().equals(PATH)) {
      ctx.redirect(PATH + "/");
    } else {
      ctx.next();
    }
  }

  private static void pageHeaders(RoutingContext ctx) {
    // After the static handler's own caching headers: revalidate, so a new jar's console shows at once.
    ctx.addHeadersEndHandler(v -> ctx.response().headers()
        .set(HttpHeaders.CACHE_CONTROL, "no-cache")
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer"));
    ctx.next();
  }
}
