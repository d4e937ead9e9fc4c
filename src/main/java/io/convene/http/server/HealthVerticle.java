package io.convene.http.server;

import io.convene.app.Components;
import io.convene.http.ErrorRenderer;
import io.convene.http.RequestIds;
import io.convene.http.Responses;
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
  private final Components components;
  private HttpServer server;

  public HealthVerticle(Components components) {
    this.components = components;
  }

  @Override
  public Future<?> start() {
    MeetingStore store = components.storeOnThisLoop();
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.get("/health").handler(ctx -> Responses.ok(ctx, new JsonObject().put("status", "ok")));
    router.get("/health/ready").handler(ctx -> HttpVerticle.ready(ctx, store, components.readiness()));
    ErrorRenderer errors = new ErrorRenderer(components.config().maxBodyBytes());
    router.errorHandler(404, errors);
    router.errorHandler(500, errors);
    server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(components.config().httpHost()).setPort(components.config().httpPort()))
        .requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(components.config().shutdownDrainSeconds(), TimeUnit.SECONDS);
  }
}
