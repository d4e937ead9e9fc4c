package io.convene.http.platform;

import io.convene.calendar.CalendarConnections;
import io.convene.calendar.GoogleCalendarClient;
import io.convene.calendar.OAuthStates;
import io.convene.calendar.OAuthStates.Pending;
import io.convene.http.UrlEncoded;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.Idempotency;
import io.convene.http.Responses;
import io.convene.tenant.PlatformSettings;
import io.convene.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Google Calendar connections on the Platform API (contracts.md §2, §5): the consent link, Google's
 * callback, and the tenant's list and disconnect.
 */
public final class CalendarRoutes {
  public static final String CALLBACK_PATH = "/oauth/google/callback";
  private static final Logger LOG = LoggerFactory.getLogger(CalendarRoutes.class);
  private static final int MAX_CLIENT_STATE = 500;
  /** Error codes Google sends back (access_denied, ...) pass through; anything else is summarised. */
  private static final Pattern OAUTH_ERROR = Pattern.compile("[a-z_]{1,64}");

  private final CalendarConnections connections;
  private final OAuthStates states;
  private final PlatformSettings settings;
  private final GoogleCalendarClient google;

  /** @param google {@code null} when no Google client is configured */
  public CalendarRoutes(CalendarConnections connections, OAuthStates states, PlatformSettings settings,
                        GoogleCalendarClient google) {
    this.connections = connections;
    this.states = states;
    this.settings = settings;
    this.google = google;
  }

  /** The tenant's routes, under {@code /v1}. */
  public void mount(Router router) {
    router.get("/v1/platform/oauth-url").handler(this::oauthUrl);
    router.get("/v1/calendars").handler(this::list);
    router.delete("/v1/calendars/:email").handler(this::disconnect);
  }

  /** Google's callback: the user's browser brings no credential, the state names the tenant. */
  public void mountCallback(Router router) {
    router.get(CALLBACK_PATH).handler(this::callback);
  }

  private void oauthUrl(RoutingContext ctx) {
    if (google == null) {
      throw new ApiException(501, "calendar_sync_disabled",
          "Google Calendar is not configured on this server (CONVENE_GOOGLE_CLIENT_ID, CONVENE_GOOGLE_CLIENT_SECRET)", null);
    }
    String email = Fields.email(requiredQuery(ctx, "user_email"), "user_email");
    String redirectUri = requiredQuery(ctx, "redirect_uri");
    String clientState = UrlEncoded.query(ctx, "state");
    if (clientState != null && (clientState.length() > MAX_CLIENT_STATE || clientState.chars().anyMatch(c -> c < 0x20))) {
      throw ApiException.invalidField("state", "state must be at most " + MAX_CLIENT_STATE
          + " characters without control characters");
    }
    String accountId = Tenant.of(ctx).accountId();
    settings.read(accountId)
        .compose(s -> {
          if (!s.getJsonArray("redirect_uris").contains(redirectUri)) {
            throw ApiException.badRequest("invalid_redirect_uri", "redirect_uri is not one of this platform's"
                + " registered redirect_uris (PUT /v1/platform/settings)", "redirect_uri");
          }
          return states.create(accountId, email, redirectUri, clientState);
        })
        .onSuccess(state -> Responses.ok(ctx, new JsonObject()
            .put("success", true)
            .put("oauth_url", google.consentUrl(state, email))
            .put("instructions", "Send " + email + " to oauth_url to let Convene write meetings to their Google"
                + " Calendar. Google returns them to Convene, which then redirects to " + redirectUri
                + " with state and success=true, or with error. The link works once, for "
                + OAuthStates.LIFETIME.toMinutes() + " minutes.")))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    connections.list(Tenant.of(ctx).accountId())
        .onSuccess(list -> Responses.ok(ctx, new JsonObject()
            .put("success", true).put("connections", list).put("count", list.size())))
        .onFailure(ctx::fail);
  }

  /**
   * Revokes the grant here and at Google; the meetings stay (and stay on the calendar as they are).
   * The stored answer commits with the revocation here; Google's revocation follows, at most once and
   * best effort (its outcome changes neither the answer nor a replay).
   */
  private void disconnect(RoutingContext ctx) {
    String email = ctx.pathParam("email");
    connections.disconnect(Tenant.of(ctx).accountId(), email, Idempotency.recordWith(ctx, 200, CalendarRoutes::disconnected))
        .compose(gone -> {
          if (gone == null) {
            throw ApiException.notFound("calendar_not_found", "no connected calendar for " + email);
          }
          return revokeAtGoogle(gone.refreshToken()).map(gone);
        })
        .onSuccess(gone -> Responses.ok(ctx, disconnected(gone)))
        .onFailure(ctx::fail);
  }

  private static JsonObject disconnected(CalendarConnections.Disconnected gone) {
    return new JsonObject().put("success", true).put("user_email", gone.email()).put("status", "disconnected");
  }

  private Future<Void> revokeAtGoogle(String refreshToken) {
    if (google == null) {
      return Future.succeededFuture();
    }
    return google.revoke(refreshToken).recover(error -> {
      LOG.warn("Google did not revoke a disconnected calendar's grant: {}", error.getMessage());
      return Future.succeededFuture();
    });
  }

  /**
   * Google sends the user back here with {@code code} and our {@code state} (or {@code error}).
   * Without a valid state nothing says where the user came from: the answer is a 400. Otherwise the
   * user always goes back to the platform's redirect URI, with {@code success=true} or {@code error}.
   */
  private void callback(RoutingContext ctx) {
    String state = UrlEncoded.query(ctx, "state");
    if (state == null || state.isBlank()) {
      throw invalidState();
    }
    states.consume(state).onFailure(ctx::fail).onSuccess(pending -> {
      if (pending == null) {
        ctx.fail(invalidState());
        return;
      }
      String error = UrlEncoded.query(ctx, "error");
      String code = UrlEncoded.query(ctx, "code");
      if (error != null) {
        backToPlatform(ctx, pending, OAUTH_ERROR.matcher(error).matches() ? error : "oauth_error");
      } else if (code == null || code.isBlank()) {
        backToPlatform(ctx, pending, "invalid_request");
      } else if (google == null) {
        backToPlatform(ctx, pending, "calendar_sync_disabled");
      } else {
        connect(pending, code)
            .onSuccess(connected -> backToPlatform(ctx, pending, null))
            .onFailure(failure -> {
              String reason = failure instanceof ConnectFailed refused ? refused.code : "server_error";
              if (!(failure instanceof ConnectFailed)) {
                LOG.error("Google Calendar connection of {} failed", pending.userEmail(), failure);
              }
              backToPlatform(ctx, pending, reason);
            });
      }
    });
  }

  /** Code → tokens → the primary calendar (whose id is the user's email) → a stored connection. */
  private Future<JsonObject> connect(Pending pending, String code) {
    return google.exchangeCode(code)
        .recover(error -> Future.failedFuture(new ConnectFailed("token_exchange_failed", error)))
        .compose(grant -> {
          if (grant.refreshToken() == null) {
            return Future.failedFuture(new ConnectFailed("no_refresh_token", null));
          }
          return google.primaryCalendar(grant.accessToken())
              .recover(error -> Future.failedFuture(new ConnectFailed("calendar_lookup_failed", error)))
              .compose(calendar -> {
                String googleId = calendar.getString("id", "");
                if (!googleId.toLowerCase(Locale.ROOT).equals(pending.userEmail().toLowerCase(Locale.ROOT))) {
                  // Someone else's Google account: do not keep its grant.
                  return revokeAtGoogle(grant.refreshToken())
                      .compose(v -> Future.failedFuture(new ConnectFailed("user_mismatch", null)));
                }
                return connections.connect(pending.accountId(), pending.userEmail(), googleId,
                    calendar.getString("timeZone"), grant.refreshToken());
              });
        });
  }

  private static void backToPlatform(RoutingContext ctx, Pending pending, String error) {
    Map<String, String> params = new LinkedHashMap<>();
    if (pending.clientState() != null) {
      params.put("state", pending.clientState());
    }
    if (error == null) {
      params.put("success", "true");
    } else {
      params.put("error", error);
    }
    ctx.response().setStatusCode(302).putHeader("Location", withQuery(pending.redirectUri(), params)).end();
  }

  static String withQuery(String uri, Map<String, String> params) {
    int hash = uri.indexOf('#');
    String base = hash < 0 ? uri : uri.substring(0, hash);
    StringBuilder out = new StringBuilder(base);
    char separator = base.contains("?") ? '&' : '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      out.append(separator).append(enc(p.getKey())).append('=').append(enc(p.getValue()));
      separator = '&';
    }
    return out.append(hash < 0 ? "" : uri.substring(hash)).toString();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String requiredQuery(RoutingContext ctx, String name) {
    String value = UrlEncoded.query(ctx, name);
    if (value == null || value.isBlank()) {
      throw ApiException.invalidField(name, name + " is required");
    }
    return value;
  }

  private static ApiException invalidState() {
    return ApiException.badRequest("invalid_oauth_state", "state is unknown, expired or already used;"
        + " start again from GET /v1/platform/oauth-url", "state");
  }

  /** A refused connection, with the {@code error} the platform is sent back with. */
  private static final class ConnectFailed extends RuntimeException {
    final String code;

    ConnectFailed(String code, Throwable cause) {
      super(code + (cause == null ? "" : ": " + cause.getMessage()), cause, false, false);
      this.code = code;
    }
  }
}
