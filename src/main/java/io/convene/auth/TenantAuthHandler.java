package io.convene.auth;

import io.convene.tenant.Secrets;
import io.convene.tenant.Tenant;
import io.convene.tenant.Tenants;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Resolves the credential of a tenant API request to its tenant before any route runs: an API key
 * as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>} (Syncline documents both), or
 * an OAuth access token from {@code POST /oauth2/token} as {@code Authorization: Bearer <token>}
 * (Sakari). Any valid credential of a tenant works on both surfaces.
 */
public final class TenantAuthHandler implements Handler<RoutingContext> {
  private static final String ACCOUNTS_PREFIX = "/v1/accounts/";

  private final Tenants tenants;
  private final AccessTokens tokens;

  public TenantAuthHandler(Tenants tenants, AccessTokens tokens) {
    this.tenants = tenants;
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String apiKey = ctx.request().getHeader("X-API-Key");
    String bearer = bearerToken(ctx.request());
    Future<Tenant> tenant;
    if (apiKey != null && !apiKey.isBlank()) {
      tenant = apiKey(apiKey.trim());
    } else if (bearer == null) {
      tenant = Future.failedFuture(missing(ctx.request()));
    } else if (bearer.startsWith(Secrets.API_KEY_PREFIX)) {
      tenant = apiKey(bearer);
    } else {
      tenant = accessToken(bearer);
    }
    tenant.onComplete(result -> {
      if (result.failed()) {
        if (result.cause() instanceof AuthFailure) {
          ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"convene\"");
        }
        ctx.fail(result.cause());
      } else {
        result.result().attachTo(ctx);
        ctx.next();
      }
    });
  }

  private Future<Tenant> apiKey(String key) {
    return tenants.authenticateApiKey(key).map(tenant -> {
      if (tenant == null) {
        throw new AuthFailure("invalid_api_key", "the API key is not valid");
      }
      return tenant;
    });
  }

  /** A signed, unexpired token whose client is still live: revoking a client ends its tokens at once. */
  private Future<Tenant> accessToken(String token) {
    return tokens.verify(token).compose(claimed -> tenants.liveClientAccount(claimed.credentialId()).map(account -> {
      if (!claimed.accountId().equals(account)) {
        throw new AuthFailure("invalid_token", "the access token's OAuth client has been revoked");
      }
      return claimed;
    }));
  }

  private static AuthFailure missing(HttpServerRequest request) {
    if (request.path().startsWith(ACCOUNTS_PREFIX)) {
      return new AuthFailure("missing_access_token",
          "send an access token from POST /oauth2/token, or an API key, as 'Authorization: Bearer <token>'");
    }
    return new AuthFailure("missing_api_key",
        "send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
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
