package io.convene.http.server;

import io.convene.http.ErrorRenderer;
import io.convene.http.RequestIds;
import io.convene.http.Responses;
import io.convene.http.Services;
import io.convene.meeting.MeetingStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;

/**
 * The probes alone, on a node that does not run the {@code api} worker (a webhooks or calendar node):
 * {@code /health} and {@code /health/ready} on the same host and port, so that an orchestrator
 * checks every node the same way. Everything else answers 404.
 */
public final class HealthVerticle extends VerticleBase {
  private final Services services;
  private HttpServer server;

  public HealthVerticle(Services services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    MeetingStore store = new MeetingStore(vertx.eventBus());
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.get("/health").handler(ctx -> Responses.ok(ctx, new JsonObject().put("status", "ok")));
    router.get("/health/ready").handler(ctx -> HttpVerticle.ready(ctx, store, services.readiness()));
    ErrorRenderer errors = new ErrorRenderer(services.config().maxBodyBytes());
    router.errorHandler(404, errors);
    router.errorHandler(500, errors);
    server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(services.config().httpHost()).setPort(services.config().httpPort()))
        .requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(services.config().shutdownDrainSeconds(), TimeUnit.SECONDS);
  }
}
