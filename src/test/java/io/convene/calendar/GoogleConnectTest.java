package io.convene.calendar;

import io.convene.meeting.ConnectionRef;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.convene.Application;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.secrets.SecretBox;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static io.convene.calendar.CalendarFixture.PLATFORM_REDIRECT;
import static io.convene.calendar.CalendarFixture.await;
import static io.convene.calendar.CalendarFixture.enc;
import static io.convene.calendar.CalendarFixture.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Connecting Google Calendars (contracts.md §2 and §5): consent link, callback, list, disconnect, import. */
@ExtendWith(VertxExtension.class)
class GoogleConnectTest {
  private CalendarFixture f;

  @BeforeEach
  void start(Vertx vertx) {
    f = CalendarFixture.start(vertx, vertx, Map.of());
  }

  private List<Row> connections() {
    return f.rows("SELECT * FROM calendar_connections WHERE account_id = $1 AND revoked_at IS NULL", f.accountId());
  }

  private List<Row> events(String type) {
    return f.rows("SELECT meeting_id, sequence, data FROM events WHERE account_id = $1 AND type = $2 ORDER BY created_at",
        f.accountId(), type);
  }

  @Test
  void theConsentLinkAsksGoogleForOfflineCalendarAccess() {
    JsonObject answer = f.ok(f.platform.get("/v1/platform/oauth-url?user_email=alice%40example.com&redirect_uri="
        + enc(PLATFORM_REDIRECT) + "&state=xyz"));
    assertEquals(true, answer.getBoolean("success"));
    assertTrue(answer.getString("instructions").contains(PLATFORM_REDIRECT), answer.getString("instructions"));
    String url = answer.getString("oauth_url");
    assertTrue(url.startsWith(f.google.baseUrl() + "/o/oauth2/v2/auth?"), url);
    Map<String, String> params = query(url);
    String state = params.remove("state");
    assertEquals(Map.of(
        "client_id", FakeGoogle.CLIENT_ID,
        "redirect_uri", FakeGoogle.REDIRECT_URI,
        "response_type", "code",
        "scope", "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.calendars.readonly"
            + " https://www.googleapis.com/auth/calendar.freebusy",
        "access_type", "offline",
        "include_granted_scopes", "true",
        "prompt", "consent",
        "login_hint", "alice@example.com"), params);
    assertTrue(state.matches("[0-9A-Za-z]{43}"), "an unguessable state of Convene's own: " + state);
    assertNotEquals("xyz", state, "the platform's state is not what Google sees");
    List<Row> stored = f.rows("SELECT account_id, user_email, redirect_uri, client_state,"
        + " expires_at - now() BETWEEN interval '9 minutes' AND interval '10 minutes' AS ten_minutes"
        + " FROM calendar_oauth_states WHERE state_hash = sha256(convert_to($1, 'UTF8'))", state);
    assertEquals(1, stored.size(), "kept as a hash, bound to tenant, user and redirect URI");
    assertEquals(List.of(f.accountId(), "alice@example.com", PLATFORM_REDIRECT, "xyz", true), List.of(
        stored.get(0).getValue(0), stored.get(0).getValue(1), stored.get(0).getValue(2), stored.get(0).getValue(3),
        stored.get(0).getValue(4)));
    assertEquals(0, f.rows("SELECT 1 FROM calendar_oauth_states s WHERE s::text LIKE '%' || $1 || '%'", state).size());
  }

  @Test
  void connectingStoresTheCalendarAndSendsTheUserBackWithSuccess() {
    String state = f.consentState("alice@example.com", "xyz");
    String code = await(f.google.consent("alice@example.com"));
    HttpResponse<Buffer> back = f.callback("code=" + enc(code) + "&state=" + enc(state) + "&scope=ignored");
    assertEquals(302, back.statusCode(), back.bodyAsString());
    assertEquals(PLATFORM_REDIRECT + "?state=xyz&success=true", back.getHeader("Location"));

    List<FakeGoogle.Request> google = await(f.google.requests());
    assertEquals(2, google.size(), google.toString());
    FakeGoogle.Request token = google.get(0);
    assertEquals("POST /token", token.method() + " " + token.path());
    assertTrue(token.headers().get("Content-Type").startsWith("application/x-www-form-urlencoded"));
    assertEquals(Map.of("grant_type", "authorization_code", "code", code, "client_id", FakeGoogle.CLIENT_ID,
        "client_secret", FakeGoogle.CLIENT_SECRET, "redirect_uri", FakeGoogle.REDIRECT_URI), asMap(token.form()));
    FakeGoogle.Request primary = google.get(1);
    assertEquals("GET /calendar/v3/calendars/primary", primary.method() + " " + primary.path());
    assertTrue(primary.bearer().startsWith("ya29."), primary.headers().get("Authorization"));

    JsonObject list = f.ok(f.platform.get("/v1/calendars"));
    JsonObject connection = list.getJsonArray("connections").getJsonObject(0);
    assertEquals(new JsonObject()
        .put("success", true)
        .put("connections", new JsonArray().add(new JsonObject()
            .put("user_email", "alice@example.com")
            .put("google_id", "alice@example.com")
            .put("calendar_provider", "google")
            .put("connected_at", connection.getString("connected_at"))
            .put("last_used_at", null)
            .put("timezone", "Europe/Berlin")))
        .put("count", 1), list);
    assertTrue(connection.getString("connected_at").endsWith("Z"));

    List<Row> connected = events(CalendarConnections.CONNECTED);
    assertEquals(1, connected.size());
    assertNull(connected.get(0).getValue("meeting_id"));
    assertNull(connected.get(0).getValue("sequence"));
    assertEquals(new JsonObject().put("user_email", "alice@example.com").put("google_id", "alice@example.com")
        .put("calendar_provider", "google").put("connected_at", connection.getString("connected_at"))
        .put("timezone", "Europe/Berlin"), connected.get(0).getValue("data"));
  }

  @Test
  void refreshTokensAreNotReadableInTheDatabase() {
    f.connect("alice@example.com");
    Row row = connections().get(0);
    String sealed = row.getString("refresh_token");
    assertTrue(sealed.startsWith("v1:"), sealed);
    String opened = new SecretBox(Base64.getDecoder().decode(TestApp.SECRETS_KEY)).open(sealed);
    assertTrue(opened.startsWith("1//0g"), "the token Google issued: " + opened);
    assertEquals(0, f.rows("SELECT 1 FROM calendar_connections c WHERE c::text LIKE '%' || $1 || '%'", opened).size(),
        "no column holds the token in clear");
    assertEquals(0, f.rows("SELECT 1 FROM events e WHERE e::text LIKE '%' || $1 || '%'", opened).size());
  }

  @Test
  void aStateWorksOnceAndOnlyUntilItExpires() {
    String state = f.consentState("alice@example.com", "xyz");
    f.callback("code=" + enc(await(f.google.consent("alice@example.com"))) + "&state=" + enc(state));
    String message = "state is unknown, expired or already used; start again from GET /v1/platform/oauth-url";
    assertError(f.callback("code=" + enc(await(f.google.consent("alice@example.com"))) + "&state=" + enc(state)),
        400, "invalid_oauth_state", message, "state");
    assertError(f.callback("code=x&state=NotAStateConveneIssued"), 400, "invalid_oauth_state", message, "state");
    assertError(f.callback("code=x"), 400, "invalid_oauth_state", message, "state");

    String expired = f.consentState("bob@example.com", null);
    f.rows("UPDATE calendar_oauth_states SET expires_at = now() - interval '1 second'");
    assertError(f.callback("code=" + enc(await(f.google.consent("bob@example.com"))) + "&state=" + enc(expired)),
        400, "invalid_oauth_state", message, "state");

    assertEquals(List.of("alice@example.com"), connections().stream().map(r -> r.getString("user_email")).toList());
    assertEquals(1, await(f.google.requests()).stream().filter(r -> r.path().equals("/token")).count(),
        "only the first callback reached Google");
  }

  @Test
  void anotherGoogleAccountIsRefusedAndItsGrantRevoked() {
    String state = f.consentState("alice@example.com", "xyz");
    String code = await(f.google.consent("mallory@example.com"));
    HttpResponse<Buffer> back = f.callback("code=" + enc(code) + "&state=" + enc(state));
    assertEquals(302, back.statusCode());
    assertEquals(PLATFORM_REDIRECT + "?state=xyz&error=user_mismatch", back.getHeader("Location"));
    assertEquals(0, connections().size());
    assertEquals(0, events(CalendarConnections.CONNECTED).size());
    FakeGoogle.Request revoke = await(f.google.requests()).get(2);
    assertEquals("POST /revoke", revoke.method() + " " + revoke.path());
    assertTrue(await(f.google.isRevoked(revoke.form().get("token"))));
  }

  @Test
  void googleErrorsGoBackToThePlatformAndStoreNothing() {
    String denied = f.consentState("alice@example.com", "s1");
    assertEquals(PLATFORM_REDIRECT + "?state=s1&error=access_denied",
        f.callback("error=access_denied&state=" + enc(denied)).getHeader("Location"));

    String badCode = f.consentState("alice@example.com", null);
    assertEquals(PLATFORM_REDIRECT + "?error=token_exchange_failed",
        f.callback("code=not-a-code&state=" + enc(badCode)).getHeader("Location"));

    String noCode = f.consentState("alice@example.com", "s3");
    assertEquals(PLATFORM_REDIRECT + "?state=s3&error=invalid_request",
        f.callback("state=" + enc(noCode)).getHeader("Location"));

    String calendarDown = f.consentState("alice@example.com", "s4");
    await(f.google.failNext("GET", "/calendars/primary", 503,
        FakeGoogle.errorBody(503, "global", "backendError", "Backend Error")));
    assertEquals(PLATFORM_REDIRECT + "?state=s4&error=calendar_lookup_failed",
        f.callback("code=" + enc(await(f.google.consent("alice@example.com"))) + "&state=" + enc(calendarDown))
            .getHeader("Location"));
    assertEquals(0, connections().size());
  }

  @Test
  void theRedirectUriMustBeOneThePlatformRegistered() {
    assertError(await(f.platform.get("/v1/platform/oauth-url?user_email=alice%40example.com&redirect_uri="
            + enc("https://evil.example.com/steal"))), 400, "invalid_redirect_uri",
        "redirect_uri is not one of this platform's registered redirect_uris (PUT /v1/platform/settings)", "redirect_uri");
    assertError(await(f.platform.get("/v1/platform/oauth-url?redirect_uri=" + enc(PLATFORM_REDIRECT))), 400,
        "invalid_field", "user_email is required", "user_email");
    assertError(await(f.platform.get("/v1/platform/oauth-url?user_email=nobody&redirect_uri=" + enc(PLATFORM_REDIRECT))),
        400, "invalid_email", "user_email is not a valid email address", "user_email");
    assertError(await(f.platform.get("/v1/platform/oauth-url?user_email=alice%40example.com")), 400,
        "invalid_field", "redirect_uri is required", "redirect_uri");
    TestCalls globex = TestCalls.withKey(f.app, await(f.app.createAccount("Globex")).getString("api_key"));
    assertEquals(400, await(globex.get("/v1/platform/oauth-url?user_email=alice%40example.com&redirect_uri="
        + enc(PLATFORM_REDIRECT))).statusCode(), "another platform's redirect URI is not this one's");
  }

  @Test
  void disconnectRevokesTheGrantAndKeepsTheMeetings() {
    f.connect("alice@example.com");
    String refreshToken = new SecretBox(Base64.getDecoder().decode(TestApp.SECRETS_KEY))
        .open(connections().get(0).getString("refresh_token"));
    String connectionId = connections().get(0).getString("id");
    String meetingId = f.schedule(new JsonObject().put("attendees", new JsonArray().add("alice@example.com"))
        .put("start_time", "2025-11-25T14:00:00-08:00").put("duration_minutes", 30).put("title", "Intro"));
    f.outcomes.await(meetingId, "synced");

    TestCalls globex = TestCalls.withKey(f.app, await(f.app.createAccount("Globex")).getString("api_key"));
    assertError(await(globex.delete("/v1/calendars/alice@example.com")), 404, "calendar_not_found",
        "no connected calendar for alice@example.com", null);
    assertEquals(0, f.ok(globex.get("/v1/calendars")).getInteger("count"), "another tenant sees none");

    assertEquals(new JsonObject().put("success", true).put("user_email", "alice@example.com").put("status", "disconnected"),
        f.ok(f.platform.delete("/v1/calendars/ALICE@example.com")));
    FakeGoogle.Request revoke = await(f.google.requests()).stream().filter(r -> r.path().equals("/revoke")).findFirst()
        .orElseThrow();
    assertEquals(refreshToken, revoke.form().get("token"));
    assertTrue(await(f.google.isRevoked(refreshToken)));
    assertEquals(new JsonObject().put("success", true).put("connections", new JsonArray()).put("count", 0),
        f.ok(f.platform.get("/v1/calendars")));
    assertNull(f.rows("SELECT refresh_token FROM calendar_connections WHERE id = $1", connectionId).get(0)
        .getValue("refresh_token"), "the grant is gone from the database too");
    JsonObject disconnected = (JsonObject) events(CalendarConnections.DISCONNECTED).get(0).getValue("data");
    assertEquals("alice@example.com", disconnected.getString("user_email"));
    assertEquals("google", disconnected.getString("calendar_provider"));
    assertTrue(disconnected.getString("disconnected_at").endsWith("Z"));
    assertEquals("scheduled", f.meeting(meetingId).getString("status"), "meetings stay");

    assertError(await(f.platform.delete("/v1/calendars/alice@example.com")), 404, "calendar_not_found",
        "no connected calendar for alice@example.com", null);
    assertError(await(f.platform.delete("/v1/calendars/nobody@example.com")), 404, "calendar_not_found",
        "no connected calendar for nobody@example.com", null);

    f.connect("alice@example.com");
    assertEquals(connectionId, connections().get(0).getString("id"), "a reconnect keeps the connection's id");
  }

  @Test
  void anOperatorImportsAConnectionFromARefreshToken() {
    String refreshToken = await(f.google.grant("carol@example.com"));
    TestCalls admin = TestCalls.withKey(f.app, TestApp.ADMIN_TOKEN);
    String path = "/admin/v1/accounts/" + f.accountId() + "/calendar-connections";
    HttpResponse<Buffer> created = await(admin.post(path, new JsonObject().put("user_email", "carol@example.com")
        .put("refresh_token", refreshToken).put("timezone", "America/New_York")));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject connection = created.bodyAsJsonObject().getJsonObject("connection");
    assertTrue(connection.getString("id").startsWith("cal_"));
    assertEquals("carol@example.com", connection.getString("google_id"));
    assertEquals("America/New_York", connection.getString("timezone"));
    assertEquals(1, f.ok(f.platform.get("/v1/calendars")).getInteger("count"));
    assertTrue(connections().get(0).getString("refresh_token").startsWith("v1:"));
    assertEquals(1, events(CalendarConnections.CONNECTED).size());

    String meetingId = f.schedule(new JsonObject().put("attendees", new JsonArray().add("carol@example.com"))
        .put("start_time", "2025-11-25T14:00:00-08:00").put("duration_minutes", 30).put("title", "Migrated"));
    f.outcomes.await(meetingId, "synced");
    assertEquals(refreshToken, await(f.google.requests()).get(0).form().get("refresh_token"),
        "the worker refreshes with the imported token");

    assertError(await(admin.post("/admin/v1/accounts/acct_nope/calendar-connections", new JsonObject()
        .put("user_email", "carol@example.com").put("refresh_token", refreshToken))), 404, "account_not_found",
        "no account acct_nope", null);
    assertError(await(admin.post(path, new JsonObject().put("user_email", "carol@example.com"))), 400,
        "invalid_field", "refresh_token is required and must be a non-empty string", "refresh_token");
    assertEquals(401, await(f.platform.post(path, new JsonObject())).statusCode(), "an API key is not the admin token");
  }

  @Test
  void theAccountsApiFindsTheAccountsOwnConnectionsOnly() {
    f.connect("alice@example.com");
    String id = connections().get(0).getString("id");
    CalendarConnections calendars = new CalendarConnections(f.app.database.pool(f.app.vertx),
        new SecretBox(Base64.getDecoder().decode(TestApp.SECRETS_KEY)));
    ConnectionRef ref = await(calendars.findForAccount(f.accountId(), id));
    JsonObject json = ref.toAccountsJson();
    assertEquals(id, json.getString("id"));
    assertTrue(json.getString("connectedAt").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z"), json.encode());
    assertEquals("alice@example.com", json.getJsonObject("user").getString("email"));
    assertTrue(json.getJsonObject("user").getString("id").startsWith("usr_"));
    String other = await(f.app.createAccount("Globex")).getString("id");
    assertNull(await(calendars.findForAccount(other, id)), "another tenant's connection is unknown");
    assertNull(await(calendars.findForAccount(f.accountId(), "cal_nope")));
    f.ok(f.platform.delete("/v1/calendars/alice@example.com"));
    assertEquals(id, await(calendars.findForAccount(f.accountId(), id)).id(),
        "a disconnected one still belongs to the account: a PUT may send it back");
  }

  @Test
  void withoutGoogleCredentialsSyncIsOffAndSaysSoOnce(Vertx vertx) {
    Logger logger = (Logger) LoggerFactory.getLogger(Application.class);
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    logger.addAppender(log);
    TestApp plain;
    try {
      plain = await(TestApp.start(Vertx.vertx()));
    } finally {
      logger.detachAppender(log);
    }
    try {
      List<String> said = log.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("Google Calendar sync is off")).toList();
      assertEquals(1, said.size(), log.list.toString());
      JsonObject account = await(plain.createAccount("Plain"));
      TestCalls calls = TestCalls.withKey(plain, account.getString("api_key"));
      assertError(await(calls.get("/v1/platform/oauth-url?user_email=alice%40example.com&redirect_uri=x")), 501,
          "calendar_sync_disabled",
          "Google Calendar is not configured on this server (CONVENE_GOOGLE_CLIENT_ID, CONVENE_GOOGLE_CLIENT_SECRET)", null);
      HttpResponse<Buffer> scheduled = await(calls.post("/v1/schedule", new JsonObject()
          .put("attendees", new JsonArray().add("alice@example.com")).put("start_time", "2025-11-25T14:00:00-08:00")
          .put("duration_minutes", 30).put("title", "Plain")));
      assertEquals(200, scheduled.statusCode(), scheduled.bodyAsString());
      assertFalse(scheduled.bodyAsString().contains("calendar_sync"), "the schedule answer keeps Syncline's shape");
    } finally {
      await(plain.vertx.close());
    }
  }

  private static Map<String, String> asMap(io.vertx.core.MultiMap form) {
    Map<String, String> out = new java.util.HashMap<>();
    form.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
