package io.convene.tenant;

import io.vertx.ext.web.RoutingContext;

/**
 * The tenant a request acts for, resolved by an auth handler before any route runs.
 *
 * @param credentialId the API key id or OAuth client id that authenticated (rate limits are per credential)
 */
public record Tenant(String accountId, String credentialId) {
  private static final String KEY = "convene.tenant";

  public void attachTo(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  public static Tenant of(RoutingContext ctx) {
    Tenant tenant = ctx.get(KEY);
    if (tenant == null) {
      throw new IllegalStateException("route mounted without an auth handler");
    }
    return tenant;
  }

  /** The tenant, or {@code null} before (or without) authentication: for logs, which run on every route. */
  public static Tenant find(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
