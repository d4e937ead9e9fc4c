package io.convene.observability;

import io.convene.auth.AdminAuthHandler;
import io.convene.config.ConveneConfig;
import io.convene.config.ObservabilityConfig;
import io.convene.metrics.Metrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** What the API port serves for operators: {@code /metrics} behind the admin token, and the request log. */
public final class Observability {
  private final Vertx vertx;
  private final ConveneConfig config;
  private final Handler<RoutingContext> failedAuthLimit;

  public Observability(Vertx vertx, ConveneConfig config, Handler<RoutingContext> failedAuthLimit) {
    this.vertx = vertx;
    this.config = config;
    this.failedAuthLimit = failedAuthLimit;
  }

  /** Mounted after the routes whose names the request log shows for requests no route answered. */
  public void mount(Router router) {
    ObservabilityConfig observability = config.observability();
    String adminToken = config.adminToken();
    if (Metrics.registry(vertx) != null && observability.metricsPort() == null && adminToken != null) {
      router.get("/metrics").handler(failedAuthLimit).handler(new AdminAuthHandler(adminToken))
          .handler(MetricsVerticle.scrape(vertx));
    }
    if (observability.jsonLogs() || observability.accessLog()) {
      // Ahead of every other route, so that whatever is logged while a request runs can name it.
      router.route().order(-1).handler(new RequestLog(RouteTemplates.of(router), observability.accessLog()));
    }
  }
}
