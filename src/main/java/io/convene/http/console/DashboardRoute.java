package io.convene.http.console;

import io.convene.auth.TenantAuthHandler;
import io.convene.errors.ApiException;
import io.convene.http.Responses;
import io.convene.tenant.PlatformDashboard;
import io.convene.tenant.PlatformDashboard.Figures;
import io.convene.tenant.Secrets;
import io.convene.tenant.Tenant;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/platform/dashboard} in Syncline's documented shape. Convene has no plans and no
 * quota, so {@code plan} is {@code "self-hosted"}, {@code limit} and {@code remaining} are null and
 * {@code can_schedule} is true; it sees no RSVPs, so {@code average_acceptance_time_hours} is null.
 */
final class DashboardRoute {
  static final String PATH = "/v1/platform/dashboard";
  static final String PLAN = "self-hosted";
  private static final int MASK_SHOWN = 3;

  private final PlatformDashboard dashboard;

  DashboardRoute(PlatformDashboard dashboard) {
    this.dashboard = dashboard;
  }

  void handle(RoutingContext ctx) {
    dashboard.read(Tenant.of(ctx).accountId())
        .onSuccess(figures -> {
          if (figures == null) {
            ctx.fail(ApiException.unauthorized("invalid_api_key", "the API key is not valid"));
          } else {
            Responses.ok(ctx, json(figures, maskedKey(ctx.request())));
          }
        })
        .onFailure(ctx::fail);
  }

  static JsonObject json(Figures f, String maskedKey) {
    return new JsonObject()
        .put("success", true)
        .put("platform", new JsonObject().put("id", f.accountId()).put("name", f.name()).put("plan", PLAN))
        .put("usage", new JsonObject()
            .put("this_month", f.thisMonth())
            .putNull("limit")
            .putNull("remaining")
            .put("can_schedule", true))
        .put("connected_users", f.connectedUsers())
        .put("stats", new JsonObject()
            .put("total_meetings_scheduled", f.totalMeetings())
            .put("meetings_this_month", f.thisMonth())
            .put("meetings_last_month", f.lastMonth())
            .putNull("average_acceptance_time_hours")
            .put("reschedule_rate", rate(f.movedThisMonth(), f.thisMonth()))
            .put("cancellation_rate", rate(f.cancelledThisMonth(), f.thisMonth()))
            .put("meetings_by_status", new JsonObject()
                .put("scheduled", f.thisMonth() - f.cancelledThisMonth())
                .put("cancelled", f.cancelledThisMonth()))
            .put("webhook_deliveries_24h", new JsonObject()
                .put("success", f.deliveriesSucceeded())
                .put("failed", f.deliveriesFailed())
                .put("pending", f.deliveriesPending())))
        .put("api_key_masked", maskedKey);
  }

  /** A share of this month's meetings, to two decimals as Syncline shows it (0 when there are none). */
  static double rate(long part, long whole) {
    return whole == 0 ? 0.0 : Math.round(part * 100.0 / whole) / 100.0;
  }

  /** The key this call was made with, as {@code sk_live_abc...xyz}; null for an OAuth access token. */
  static String maskedKey(HttpServerRequest request) {
    String key = request.getHeader("X-API-Key");
    if (key == null || key.isBlank()) {
      key = TenantAuthHandler.bearerToken(request);
    }
    if (key == null || !key.trim().startsWith(Secrets.API_KEY_PREFIX)) {
      return null;
    }
    String body = key.trim().substring(Secrets.API_KEY_PREFIX.length());
    return Secrets.API_KEY_PREFIX + body.substring(0, MASK_SHOWN) + "..." + body.substring(body.length() - MASK_SHOWN);
  }
}
