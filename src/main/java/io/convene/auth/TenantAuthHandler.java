package io.convene.auth;

import io.convene.http.ApiException;
import io.convene.tenant.Tenants;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Resolves the credential of a tenant API request to its tenant before any route runs:
 * an API key as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} (Syncline
 * documents both). Any valid credential of a tenant works on both surfaces.
 */
public final class TenantAuthHandler implements Handler<RoutingContext> {
  private final Tenants tenants;

  public TenantAuthHandler(Tenants tenants) {
    this.tenants = tenants;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String key = presentedKey(ctx.request());
    if (key == null) {
      ctx.fail(ApiException.unauthorized("missing_api_key",
          "send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"));
      return;
    }
    tenants.authenticateApiKey(key).onComplete(result -> {
      if (result.failed()) {
        ctx.fail(result.cause());
      } else if (result.result() == null) {
        ctx.fail(ApiException.unauthorized("invalid_api_key", "the API key is not valid"));
      } else {
        result.result().attachTo(ctx);
        ctx.next();
      }
    });
  }

  static String presentedKey(HttpServerRequest request) {
    String apiKey = request.getHeader("X-API-Key");
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.trim();
    }
    return bearerToken(request);
  }

  public static String bearerToken(HttpServerRequest request) {
    String authorization = request.getHeader("Authorization");
    if (authorization == null || authorization.length() < 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
