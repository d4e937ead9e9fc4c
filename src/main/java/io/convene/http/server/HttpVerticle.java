package io.convene.http.server;

import io.convene.app.Components;
import io.convene.config.ConveneConfig;
import io.convene.errors.ApiException;
import io.convene.http.ErrorRenderer;
import io.convene.http.HistoryRoutes;
import io.convene.http.PathGuard;
import io.convene.http.Readiness;
import io.convene.http.RequestIds;
import io.convene.http.Responses;
import io.convene.http.TenantPipeline;
import io.convene.http.UrlEncoded;
import io.convene.http.accounts.AccountWebhookRoutes;
import io.convene.http.accounts.AccountsRoutes;
import io.convene.http.admin.AdminRoutes;
import io.convene.http.booking.MeetingEventRoutes;
import io.convene.http.booking.PublicHost;
import io.convene.http.booking.PublicRoutes;
import io.convene.http.console.ConsoleRoutes;
import io.convene.http.docs.ApiDocs;
import io.convene.http.oauth.TokenEndpoint;
import io.convene.http.platform.AutoScheduleRoutes;
import io.convene.http.platform.AvailabilityRoutes;
import io.convene.http.platform.CalendarRoutes;
import io.convene.http.platform.PlatformRoutes;
import io.convene.http.platform.PlatformWebhookRoutes;
import io.convene.http.platform.UserRoutes;
import io.convene.meeting.MeetingCommand.CheckDatabase;
import io.convene.meeting.MeetingStore;
import io.convene.observability.Observability;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP front: one instance per event loop, all sharing the port. Request ids, the body limit
 * and error rendering apply to every route of every surface.
 */
public final class HttpVerticle extends VerticleBase {
  private static final int[] ROUTER_ERRORS = {400, 401, 403, 404, 405, 413, 415, 500};

  private final Components components;
  private final ConveneConfig config;
  private HttpServer server;
  private Router router;
  private ConnectionGuard guard;
  /**
   * From the start of the drain on, every answer says that its connection closes (see {@link #stop()});
   * so does every answer from the moment readiness fails, so that keep-alive clients reconnect through
   * their load balancer to another node before this listener closes.
   */
  private boolean draining;

  public HttpVerticle(Components components) {
    this.components = components;
    this.config = components.config();
  }

  @Override
  public Future<?> start() {
    guard = new ConnectionGuard(vertx, config);
    router = router();
    // No h2c: while Vert.x waits to tell an HTTP/2 preface from HTTP/1.1, a connection has no handler yet, so a
    // client that sends nothing, or a head a byte at a time, would escape the connection guard.
    server = vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort())
            .setHttp2ClearTextEnabled(false)
            .setIdleTimeout(config.httpIdleTimeoutSeconds()).setIdleTimeoutUnit(TimeUnit.SECONDS))
        .connectionHandler(guard::opened)
        .requestHandler(router)
        .invalidRequestHandler(HttpVerticle::invalidRequest);
    return server.listen();
  }

  /** What this instance serves, so that a test can hold every route to a tenant-isolation case. */
  public List<Route> routes() {
    return router.getRoutes();
  }

  /**
   * Stops accepting connections and lets in-flight requests finish, up to the drain time. Vert.x then
   * closes each connection after its answer; the answer says so ({@code Connection: close}), or a
   * keep-alive client would send its next request on it, to be dropped unanswered (RFC 9112, 9.6).
   * Runs on this instance's event loop, like its requests.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    return server.shutdown(config.shutdownDrainSeconds(), TimeUnit.SECONDS);
  }

  private void closeConnectionWhileDraining(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      if (draining || components.readiness().isStopping()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
    });
    ctx.next();
  }

  /**
   * Every route family this front serves, in the order they match: what applies to every request, the probes,
   * the routes with their own authentication (admin, OAuth token, Google's callback), the tenant API's one
   * pipeline and its routes under {@code /v1}, the public pages (console, docs, metrics) and the public booking
   * surface with its own pipeline.
   */
  private Router router() {
    Components c = components;
    Components.OnLoop loop = c.onThisLoop();
    Router router = Router.router(vertx);
    ErrorRenderer errors = new ErrorRenderer(config.maxBodyBytes(), TokenEndpoint.PATH);
    for (int status : ROUTER_ERRORS) {
      router.errorHandler(status, errors);
    }
    router.route().handler(guard::requestStarted);
    router.route().handler(this::closeConnectionWhileDraining);
    router.route().handler(new RequestIds());
    router.route().handler(new PathGuard());
    router.route().handler(new UrlEncoded());
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.route().handler(guard::bodyRead);
    router.route().failureHandler(errors);

    router.get("/health").handler(ctx -> Responses.ok(ctx, new JsonObject().put("status", "ok")));
    router.get("/health/ready").handler(ctx -> ready(ctx, loop.store(), c.readiness()));
    new AdminRoutes(c.tenants(), c.calendars(), config.adminToken(), c.failedAuthLimit()).mount(router);
    new TokenEndpoint(c.tenants(), c.accessTokens(), c.failedAuthLimit()).mount(router);
    CalendarRoutes calendar = new CalendarRoutes(c.calendars(), c.oauthStates(), c.platformSettings(), loop.google());
    calendar.mountCallback(router);

    new TenantPipeline(c.failedAuthLimit(), c.authentication(), c.rateLimit(), c.idempotency()).mount(router);
    calendar.mount(router);
    new PlatformRoutes(loop.store(), c.tenants(), c.platformSettings(), c.webhookTargets(), config.maxAttendees())
        .mount(router);
    new PlatformWebhookRoutes(c.webhookEndpoints(), c.webhookLog(), c.webhookTargets()).mount(router);
    new AccountWebhookRoutes(c.webhookEndpoints(), c.webhookTargets()).mount(router);
    new AccountsRoutes(loop.store(), c.calendars(), config.maxAttendees()).mount(router);
    new ConsoleRoutes(c.dashboard()).mount(router);
    new ApiDocs(vertx).mount(router);
    // The request log names the routes mounted before it; those after it by the prefix route that answered.
    new Observability(vertx, config, c.failedAuthLimit()).mount(router);
    new UserRoutes(c.users()).mount(router);
    new AvailabilityRoutes(loop.availability()).mount(router);
    new AutoScheduleRoutes(loop.store(), loop.availability()).mount(router);
    new HistoryRoutes(c.history()).mount(router);
    new MeetingEventRoutes(c.meetingEvents(), config.publicBaseUrl()).mount(router);

    if (config.publicHost() != null) {
      new PublicHost(config.publicHost()).mount(router);
    }
    new PublicRoutes(c.meetingEvents(), loop.bookingSlots(), loop.bookings(), c.idempotency(), c.failedAuthLimit(),
        c.publicRateLimit()).mount(router);
    return router;
  }

  /**
   * Requests the HTTP decoder refused before any route could run (a request line or headers over
   * Netty's limits, a malformed request): still answered in the error shape, then the connection closes.
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException error;
    if (cause instanceof TooLongHttpLineException) {
      error = new ApiException(414, "uri_too_long", "the request line is too long", null);
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ApiException(431, "headers_too_large", "the request headers are too large", null);
    } else {
      error = ApiException.badRequest("bad_request", "the request is not valid HTTP", null);
    }
    String requestId = io.convene.ids.Ids.request();
    request.response()
        .setStatusCode(error.status())
        .putHeader(RequestIds.HEADER, requestId)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(ErrorRenderer.body(error, requestId).toBuffer());
  }

  static void ready(RoutingContext ctx, MeetingStore store, Readiness readiness) {
    if (readiness.isStopping()) {
      // Answered here, not through the error handler: its 503 log line means the database is away.
      ApiException stopping = new ApiException(503, "shutting_down", "this node is shutting down", null);
      Responses.json(ctx, 503, ErrorRenderer.body(stopping, RequestIds.of(ctx)));
      return;
    }
    store.send(new CheckDatabase())
        .onSuccess(time -> Responses.ok(ctx, new JsonObject().put("status", "ready")))
        .onFailure(ctx::fail);
  }
}
