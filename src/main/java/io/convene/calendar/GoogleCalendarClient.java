package io.convene.calendar;

import io.convene.config.CalendarConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Google's OAuth 2.0 endpoints and the Calendar API v3, as plain HTTP calls (no state of its own).
 * Every call fails with a {@link GoogleApiException} on a non-2xx answer, or with the transport's
 * exception when Google could not be reached.
 */
public final class GoogleCalendarClient {
  /**
   * Write events; read the primary calendar's id (the user's email) and time zone; read free/busy
   * ({@code freeBusy.query} accepts no narrower scope of these).
   */
  public static final String SCOPES = "https://www.googleapis.com/auth/calendar.events"
      + " https://www.googleapis.com/auth/calendar.calendars.readonly"
      + " https://www.googleapis.com/auth/calendar.freebusy";

  private final WebClient web;
  private final CalendarConfig config;
  private final long timeoutMs;

  /** @param timeoutMs per request; keep it well under the job lease so that a lease outlives its request */
  public GoogleCalendarClient(Vertx vertx, CalendarConfig config, long timeoutMs) {
    this.web = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setUserAgent("Convene"));
    this.config = config;
    this.timeoutMs = timeoutMs;
  }

  /** The consent page: offline access (a refresh token), asked every time so that Google sends one. */
  public String consentUrl(String state, String loginHint) {
    return config.authUrl() + (config.authUrl().contains("?") ? "&" : "?")
        + "client_id=" + enc(config.clientId())
        + "&redirect_uri=" + enc(config.redirectUri())
        + "&response_type=code"
        + "&scope=" + enc(SCOPES)
        + "&access_type=offline"
        + "&include_granted_scopes=true"
        + "&prompt=consent"
        + "&login_hint=" + enc(loginHint)
        + "&state=" + enc(state);
  }

  public record TokenGrant(String accessToken, long expiresInSeconds, String refreshToken) {
  }

  public Future<TokenGrant> exchangeCode(String code) {
    return token(MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "authorization_code")
        .add("code", code)
        .add("client_id", config.clientId())
        .add("client_secret", config.clientSecret())
        .add("redirect_uri", config.redirectUri()));
  }

  public Future<TokenGrant> refresh(String refreshToken) {
    return token(MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "refresh_token")
        .add("refresh_token", refreshToken)
        .add("client_id", config.clientId())
        .add("client_secret", config.clientSecret()));
  }

  private Future<TokenGrant> token(MultiMap form) {
    return send(web.postAbs(config.tokenUrl()), request -> request.sendForm(form))
        .map(body -> {
          JsonObject json = body.toJsonObject();
          return new TokenGrant(json.getString("access_token"), json.getLong("expires_in", 3600L),
              json.getString("refresh_token"));
        });
  }

  /** Revokes a grant (a refresh token revokes its access tokens with it). */
  public Future<Void> revoke(String token) {
    return send(web.postAbs(config.revokeUrl()), request -> request.sendForm(
        MultiMap.caseInsensitiveMultiMap().add("token", token))).mapEmpty();
  }

  /** {@code calendars.get} of {@code primary}: its {@code id} is the user's email; also {@code timeZone}. */
  public Future<JsonObject> primaryCalendar(String accessToken) {
    return sendJson(api(HttpMethod.GET, "/calendars/primary", accessToken), null);
  }

  /** {@code freeBusy.query}: {@code {"timeMin", "timeMax", "timeZone", "items": [{"id"}]}}. */
  public Future<JsonObject> freeBusy(String accessToken, JsonObject query) {
    return sendJson(api(HttpMethod.POST, "/freeBusy", accessToken), query);
  }

  /** {@code events.insert}; with {@code conference}, Google creates the conference the body asks for. */
  public Future<JsonObject> insertEvent(String accessToken, String calendarId, JsonObject event, boolean conference) {
    return sendJson(withConference(api(HttpMethod.POST, events(calendarId), accessToken)
        .addQueryParam("sendUpdates", "all"), conference), event);
  }

  public Future<JsonObject> getEvent(String accessToken, String calendarId, String eventId) {
    return sendJson(api(HttpMethod.GET, events(calendarId) + "/" + enc(eventId), accessToken), null);
  }

  /** {@code events.patch}, only if the event still has {@code etag} (else 412). */
  public Future<JsonObject> patchEvent(String accessToken, String calendarId, String eventId, String etag,
                                       JsonObject patch, boolean conference) {
    HttpRequest<Buffer> request = api(HttpMethod.PATCH, events(calendarId) + "/" + enc(eventId), accessToken)
        .addQueryParam("sendUpdates", "all")
        .putHeader("If-Match", etag);
    return sendJson(withConference(request, conference), patch);
  }

  public Future<Void> deleteEvent(String accessToken, String calendarId, String eventId) {
    return send(api(HttpMethod.DELETE, events(calendarId) + "/" + enc(eventId), accessToken)
        .addQueryParam("sendUpdates", "all"), HttpRequest::send).mapEmpty();
  }

  private static HttpRequest<Buffer> withConference(HttpRequest<Buffer> request, boolean conference) {
    return conference ? request.addQueryParam("conferenceDataVersion", "1") : request;
  }

  private static String events(String calendarId) {
    return "/calendars/" + enc(calendarId) + "/events";
  }

  private HttpRequest<Buffer> api(HttpMethod method, String path, String accessToken) {
    return web.requestAbs(method, config.apiBaseUrl() + "/calendar/v3" + path).bearerTokenAuthentication(accessToken);
  }

  private Future<JsonObject> sendJson(HttpRequest<Buffer> request, JsonObject body) {
    return send(request, r -> body == null ? r.send() : r.sendJsonObject(body))
        .map(buffer -> buffer == null || buffer.length() == 0 ? new JsonObject() : buffer.toJsonObject());
  }

  private Future<Buffer> send(HttpRequest<Buffer> request,
                              java.util.function.Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> how) {
    request.timeout(timeoutMs);
    return how.apply(request).map(response -> {
      if (response.statusCode() / 100 != 2) {
        throw GoogleApiException.of(response.statusCode(), response.body(), response.getHeader("Retry-After"));
      }
      return response.body();
    });
  }

  /** Path segments and query values: everything but unreserved characters is escaped ({@code @} too). */
  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
