package io.convene.http;

import io.convene.errors.ApiException;
import io.convene.tenant.Tenant;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The tenant API's request pipeline, declared once: every request under {@code /v1} runs through the
 * failed-authentication limit, authentication, the account guard, the rate limit and, when it may change
 * something, idempotency, in that order, before any route's own handler. Mounted ahead of every {@code /v1}
 * route, so a route added under {@code /v1} gets all of them; a limit that is off passes the request on.
 *
 * <p>Because authentication comes first, a request for a path no route serves is answered 401 without a
 * credential and 404 (or 405 for another method of a known path) with one.
 */
public final class TenantPipeline {
  public static final String PREFIX = "/v1";
  private static final String ALL = PREFIX + "/*";
  /** Sakari prints one path with the account segment singular (contracts-scheduling.md §B2). */
  private static final String[] ACCOUNT_PATHS = {PREFIX + "/accounts/:accountId/*", PREFIX + "/account/:accountId/*"};

  private final Handler<RoutingContext> failedAuthLimit;
  private final Handler<RoutingContext> authentication;
  private final Handler<RoutingContext> rateLimit;
  private final Handler<RoutingContext> idempotency;

  public TenantPipeline(Handler<RoutingContext> failedAuthLimit, Handler<RoutingContext> authentication,
                        Handler<RoutingContext> rateLimit, Handler<RoutingContext> idempotency) {
    this.failedAuthLimit = failedAuthLimit;
    this.authentication = authentication;
    this.rateLimit = rateLimit;
    this.idempotency = idempotency;
  }

  public void mount(Router router) {
    router.route(ALL).handler(failedAuthLimit);
    router.route(ALL).handler(authentication);
    // Before anything acts for the request (rate limits, idempotency records): the account in the path must be
    // the one the credential acts for, whichever kind of credential it is.
    for (String accountPath : ACCOUNT_PATHS) {
      router.route(accountPath).handler(TenantPipeline::requireOwnAccount);
    }
    router.route(ALL).handler(rateLimit);
    router.route(ALL).method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH)
        .method(HttpMethod.DELETE).handler(idempotency);
  }

  private static void requireOwnAccount(RoutingContext ctx) {
    String accountId = ctx.pathParam("accountId");
    if (!Tenant.of(ctx).accountId().equals(accountId)) {
      ctx.fail(ApiException.forbidden("account_forbidden", "this credential may not act on account " + accountId));
      return;
    }
    ctx.next();
  }
}
