package io.convene.http.oauth;

import io.convene.auth.AccessTokens;
import io.convene.auth.OAuthError;
import io.convene.errors.ApiException;
import io.convene.http.Responses;
import io.convene.http.UrlEncoded;
import io.convene.tenant.Tenants;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /oauth2/token}, the OAuth 2.0 client credentials grant (RFC 6749 §4.4): parameters as
 * {@code application/x-www-form-urlencoded} (the RFC's form) or JSON (Sakari's), the client
 * authenticated by {@code client_id}/{@code client_secret} parameters or HTTP Basic (§2.3.1).
 */
public final class TokenEndpoint {
  public static final String PATH = "/oauth2/token";
  static final String GRANT_TYPE = "client_credentials";
  private static final List<String> PARAMETERS = List.of("grant_type", "client_id", "client_secret");
  private static final int MAX_PARAMETER_LENGTH = 500;

  private final Tenants tenants;
  private final AccessTokens tokens;
  private final Handler<RoutingContext> failedAuthLimit;

  public TokenEndpoint(Tenants tenants, AccessTokens tokens, Handler<RoutingContext> failedAuthLimit) {
    this.tenants = tenants;
    this.tokens = tokens;
    this.failedAuthLimit = failedAuthLimit;
  }

  /** Outside the {@code /v1} pipeline: the client authenticates with its secret here, and bad secrets count. */
  public void mount(Router router) {
    router.route(PATH).handler(failedAuthLimit);
    router.post(PATH).handler(this::token);
  }

  private record Client(String id, String secret) {
  }

  private void token(RoutingContext ctx) {
    // Neither a token nor an error about credentials may be cached (RFC 6749 §5.1).
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
    JsonObject params = parameters(ctx);
    String grantType = params.getString("grant_type");
    if (grantType == null) {
      throw OAuthError.invalidRequest("grant_type is required");
    }
    if (!grantType.equals(GRANT_TYPE)) {
      throw OAuthError.unsupportedGrantType("only grant_type=" + GRANT_TYPE + " is supported");
    }
    Client client = client(ctx, params);
    tenants.authenticateClient(client.id(), client.secret())
        .onFailure(ctx::fail)
        .onSuccess(tenant -> {
          if (tenant == null) {
            ctx.fail(refused(ctx, "unknown client or wrong client secret"));
            return;
          }
          Responses.ok(ctx, new JsonObject()
              .put("access_token", tokens.issue(tenant))
              .put("token_type", "Bearer")
              .put("expires_in", tokens.ttlSeconds()));
        });
  }

  /** The client from HTTP Basic or from the parameters; never both (RFC 6749 §2.3). */
  private static Client client(RoutingContext ctx, JsonObject params) {
    String authorization = ctx.request().getHeader("Authorization");
    boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    String id = params.getString("client_id");
    String secret = params.getString("client_secret");
    if (!basic) {
      if (id == null || secret == null) {
        throw OAuthError.invalidClient("send client_id and client_secret, or use HTTP Basic authentication");
      }
      return new Client(id, secret);
    }
    if (secret != null) {
      throw OAuthError.invalidRequest("authenticate the client one way only: HTTP Basic or client_secret, not both");
    }
    Client fromHeader = basicCredentials(ctx, authorization.substring(6).trim());
    if (id != null && !id.equals(fromHeader.id())) {
      throw OAuthError.invalidRequest("client_id does not match the client of the Authorization header");
    }
    return fromHeader;
  }

  /** {@code base64(urlencode(id) ":" urlencode(secret))}, as RFC 6749 §2.3.1 spells it. */
  private static Client basicCredentials(RoutingContext ctx, String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.ISO_8859_1);
      int colon = decoded.indexOf(':');
      if (colon > 0) {
        return new Client(UrlEncoded.value(decoded.substring(0, colon), UrlEncoded.Source.FORM),
            UrlEncoded.value(decoded.substring(colon + 1), UrlEncoded.Source.FORM));
      }
    } catch (IllegalArgumentException | ApiException e) {
      // reported below
    }
    throw refused(ctx, "the Authorization header is not HTTP Basic client credentials");
  }

  /** A failed client authentication through the Authorization header names the scheme to use (RFC 6749 §5.2). */
  private static OAuthError refused(RoutingContext ctx, String description) {
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"convene\"");
    }
    return OAuthError.invalidClient(description);
  }

  /** The request's parameters as strings; a parameter sent empty counts as absent (RFC 6749 §3.1). */
  private static JsonObject parameters(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    Buffer body = ctx.body().buffer();
    JsonObject params = new JsonObject();
    if (mediaType.equals("application/x-www-form-urlencoded")) {
      fromForm(body, params);
    } else if (mediaType.equals("application/json")) {
      fromJson(body, params);
    } else if (body != null && body.length() > 0 || !mediaType.isEmpty()) {
      throw OAuthError.invalidRequest("send the parameters as application/x-www-form-urlencoded or application/json");
    }
    return params;
  }

  /** Strictly decoded (see {@link UrlEncoded}): Netty's form decoder lets invalid UTF-8 through as U+FFFD. */
  private static void fromForm(Buffer body, JsonObject params) {
    MultiMap form;
    try {
      form = UrlEncoded.decode(body == null ? "" : body.toString(StandardCharsets.ISO_8859_1), UrlEncoded.Source.FORM);
    } catch (ApiException e) {
      throw OAuthError.invalidRequest(e.getMessage());
    }
    for (String name : PARAMETERS) {
      put(params, name, form.get(name));
    }
  }

  private static void fromJson(Buffer body, JsonObject params) {
    Object json;
    try {
      json = body == null || body.length() == 0 ? null : body.toJsonValue();
    } catch (DecodeException e) {
      json = null;
    }
    if (!(json instanceof JsonObject object)) {
      throw OAuthError.invalidRequest("the request body is not a JSON object");
    }
    for (String name : PARAMETERS) {
      Object value = object.getValue(name);
      if (value != null && !(value instanceof String)) {
        throw OAuthError.invalidRequest(name + " must be a string");
      }
      put(params, name, (String) value);
    }
  }

  private static void put(JsonObject params, String name, String value) {
    if (value == null || value.isEmpty()) {
      return;
    }
    if (value.length() > MAX_PARAMETER_LENGTH) {
      throw OAuthError.invalidRequest(name + " must be at most " + MAX_PARAMETER_LENGTH + " characters");
    }
    params.put(name, value);
  }
}
