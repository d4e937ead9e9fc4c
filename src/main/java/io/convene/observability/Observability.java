package io.convene.observability;

import io.convene.http.Services;
import io.convene.auth.AdminAuthHandler;
import io.convene.config.ObservabilityConfig;
import io.convene.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/** What the API port serves for operators: {@code /metrics} behind the admin token, and the request log. */
public final class Observability {
  private Observability() {
  }

  /** Mounted last, when every route of the router is known. */
  public static void mount(Vertx vertx, Router router, Services services) {
    ObservabilityConfig config = services.config().observability();
    String adminToken = services.config().adminToken();
    if (Metrics.registry(vertx) != null && config.metricsPort() == null && adminToken != null) {
      Route metrics = router.get("/metrics");
      if (services.failedAuthLimiter() != null) {
        metrics.handler(services.failedAuthLimiter());
      }
      metrics.handler(new AdminAuthHandler(adminToken)).handler(MetricsVerticle.scrape(vertx));
    }
    if (config.jsonLogs() || config.accessLog()) {
      // Ahead of every other route, so that whatever is logged while a request runs can name it.
      router.route().order(-1).handler(new RequestLog(RouteTemplates.of(router), config.accessLog()));
    }
  }
}
