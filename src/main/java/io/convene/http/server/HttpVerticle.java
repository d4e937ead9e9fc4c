package io.convene.http.server;

import io.convene.config.ConveneConfig;
import io.convene.auth.TenantAuthHandler;
import io.convene.errors.ApiException;
import io.convene.http.ErrorRenderer;
import io.convene.http.Idempotency;
import io.convene.http.PathGuard;
import io.convene.http.Readiness;
import io.convene.http.RequestIds;
import io.convene.http.Responses;
import io.convene.http.Services;
import io.convene.http.UrlEncoded;
import io.convene.http.accounts.AccountsRoutes;
import io.convene.http.booking.BookingRoutes;
import io.convene.calendar.CalendarConnections;
import io.convene.calendar.GoogleCalendarClient;
import io.convene.calendar.OAuthStates;
import io.convene.http.admin.AdminRoutes;
import io.convene.http.console.ConsoleRoutes;
import io.convene.http.docs.ApiDocs;
import io.convene.http.oauth.TokenEndpoint;
import io.convene.observability.Observability;
import io.convene.http.accounts.AccountWebhookRoutes;
import io.convene.http.platform.PlatformRoutes;
import io.convene.http.platform.PlatformWebhookRoutes;
import io.convene.http.platform.SchedulingRoutes;
import io.convene.tenant.PlatformSettings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.sqlclient.Pool;
import io.convene.meeting.MeetingCommand.CheckDatabase;
import io.convene.meeting.MeetingStore;
import io.convene.tenant.Tenants;
import io.convene.webhook.WebhookDeliveryLog;
import io.convene.webhook.WebhookEndpoints;
import io.convene.webhook.WebhookTargets;
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
  /** Google's token and calendar calls made while a user waits in the OAuth callback. */
  private static final long GOOGLE_TIMEOUT_MS = 10_000;

  private final Services services;
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

  public HttpVerticle(Services services) {
    this.services = services;
    this.config = services.config();
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
      if (draining || services.readiness().isStopping()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
    });
    ctx.next();
  }

  private Router router() {
    Pool pool = services.database().pool(vertx);
    Tenants tenants = new Tenants(pool, services.credentials());
    MeetingStore store = new MeetingStore(vertx.eventBus());
    CalendarConnections calendars = new CalendarConnections(pool, services.secrets());
    GoogleCalendarClient google = config.calendar().enabled()
        ? new GoogleCalendarClient(vertx, config.calendar(), GOOGLE_TIMEOUT_MS) : null;
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
    router.get("/health/ready").handler(ctx -> ready(ctx, store, services.readiness()));
    if (services.failedAuthLimiter() != null) {
      router.route("/admin/v1/*").handler(services.failedAuthLimiter());
      router.route(TokenEndpoint.PATH).handler(services.failedAuthLimiter());
      router.route("/v1/*").handler(services.failedAuthLimiter());
    }
    if (config.adminToken() != null) {
      AdminRoutes.mount(router, tenants, calendars, config.adminToken());
    }

    TokenEndpoint.mount(router, tenants, services.accessTokens());

    router.route("/v1/*").handler(new TenantAuthHandler(tenants, services.accessTokens()));
    AccountsRoutes.guardAccounts(router);
    if (services.rateLimiter() != null) {
      router.route("/v1/*").handler(services.rateLimiter());
    }
    router.route("/v1/*").method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH)
        .method(HttpMethod.DELETE).handler(new Idempotency(pool, services.secrets()));
    WebhookEndpoints webhooks = new WebhookEndpoints(pool, services.secrets());
    WebhookTargets targets = new WebhookTargets(vertx, config.webhooksAllowInsecure());
    PlatformRoutes.mount(router, store, tenants, new PlatformSettings(pool, webhooks), targets, calendars,
        new OAuthStates(pool), google, config);
    PlatformWebhookRoutes.mount(router, webhooks, new WebhookDeliveryLog(pool), targets);
    AccountWebhookRoutes.mount(router, webhooks, targets);
    AccountsRoutes.mount(router, store, calendars, config);
    ConsoleRoutes.mount(router, pool);
    ApiDocs.mount(vertx, router);
    Observability.mount(vertx, router, services);
    SchedulingRoutes.mount(router, vertx, pool, store, calendars, config);
    BookingRoutes.mount(router, vertx, services, pool, store, calendars);
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
