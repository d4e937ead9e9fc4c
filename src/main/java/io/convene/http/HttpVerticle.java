package io.convene.http;

import io.convene.config.ConveneConfig;
import io.convene.Services;
import io.convene.auth.TenantAuthHandler;
import io.convene.calendar.CalendarConnections;
import io.convene.calendar.GoogleCalendarClient;
import io.convene.calendar.OAuthStates;
import io.convene.http.admin.AdminRoutes;
import io.convene.http.platform.PlatformRoutes;
import io.convene.tenant.PlatformSettings;
import io.vertx.core.http.HttpMethod;
import io.vertx.sqlclient.Pool;
import io.convene.meeting.MeetingCommand.CheckDatabase;
import io.convene.meeting.MeetingStore;
import io.convene.tenant.Tenants;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

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

  public HttpVerticle(Services services) {
    this.services = services;
    this.config = services.config();
  }

  @Override
  public Future<?> start() {
    Router router = router();
    return vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()).setPort(config.httpPort()))
        .requestHandler(router)
        .listen();
  }

  private Router router() {
    Pool pool = services.database().pool(vertx);
    Tenants tenants = new Tenants(pool);
    MeetingStore store = new MeetingStore(vertx.eventBus());
    CalendarConnections calendars = new CalendarConnections(pool, services.secrets());
    GoogleCalendarClient google = config.calendar().enabled()
        ? new GoogleCalendarClient(vertx, config.calendar(), GOOGLE_TIMEOUT_MS) : null;
    Router router = Router.router(vertx);
    ErrorRenderer errors = new ErrorRenderer(config.maxBodyBytes());
    for (int status : ROUTER_ERRORS) {
      router.errorHandler(status, errors);
    }
    router.route().handler(new RequestIds());
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.route().failureHandler(errors);

    router.get("/health").handler(ctx -> Responses.ok(ctx, new JsonObject().put("status", "ok")));
    router.get("/health/ready").handler(ctx -> ready(ctx, store));
    if (config.adminToken() != null) {
      AdminRoutes.mount(router, tenants, calendars, config.adminToken());
    }

    router.route("/v1/*").handler(new TenantAuthHandler(tenants));
    if (services.rateLimiter() != null) {
      router.route("/v1/*").handler(services.rateLimiter());
    }
    router.route("/v1/*").method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH)
        .method(HttpMethod.DELETE).handler(new Idempotency(pool));
    PlatformRoutes.mount(router, store, tenants, new PlatformSettings(pool), calendars, new OAuthStates(pool), google,
        config);
    return router;
  }

  private static void ready(RoutingContext ctx, MeetingStore store) {
    store.send(new CheckDatabase())
        .onSuccess(time -> Responses.ok(ctx, new JsonObject().put("status", "ready")))
        .onFailure(ctx::fail);
  }
}
