package io.convene.reliability;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.calendar.FakeGoogle;
import io.convene.http.server.HttpVerticle;
import io.convene.http.docs.ApiDocument;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenant isolation on every route Convene mounts (issue 8, point 6; architecture rule 4). Two
 * tenants, Acme (A) and Globex (B), each own meetings on both surfaces, webhook endpoints and
 * deliveries, Google Calendar connections, a pending OAuth state, settings and Idempotency-Keys.
 * For every route, B's credential (its API key, then its access token) is pointed at A's ids, A's
 * account path, A's keys and A's URIs: the answer must be exactly the contract's (404 with the
 * not-found body for a foreign id, 403 for A's account path), lists must hold only B's objects,
 * and every row of A's in every tenant table must be unchanged afterwards. A second test holds the
 * table to the router: a route mounted without a row here fails it.
 */
@ExtendWith(VertxExtension.class)
class TenantIsolationTest {
  /** Public by its address; no worker runs here, so nothing is ever sent to it. */
  private static final String HOOK_URL = "https://1.1.1.1:9/hooks";
  private static final String SHARED_EMAIL = "shared@example.com";
  private static final JsonObject UPDATE = new JsonObject().put("start_time", "2025-11-26T15:00:00-08:00")
      .put("end_time", "2025-11-26T15:30:00-08:00").put("reason", "Rescheduled due to conflict");
  private static final String ADMIN_REFUSAL = "send the admin token as 'Authorization: Bearer <token>'";
  /**
   * Tables that hold no tenant's rows, or (webhook_attempts) reach their tenant through another table.
   * rate_limit_buckets counts what the limiters count (a credential id, a client address), read and
   * written only by the cluster-scope reconciliation, never by a route.
   */
  private static final Set<String> NOT_PER_TENANT = Set.of("flyway_schema_history", "secrets_check", "jwt_signing_key",
      "booking_token_key",
      "accounts", "webhook_attempts", "rate_limit_buckets");
  private static final List<String> CREDENTIALS = List.of("api-key", "token");

  /** One tenant and what it owns. */
  private static final class Tenant {
    String tag;
    String id;
    String apiKey;
    String apiKeyId;
    String clientId;
    String clientSecret;
    String token;
    String redirectUri;
    String ownEmail;
    String ownConnection;
    String sharedConnection;
    String platformMeeting;
    String accountsMeeting;
    String hostPerson;
    String attendeePerson;
    String primaryWebhook;
    String accountWebhook;
    String delivery;
    /** Known by preferences only: one for B to read, one for B to write. */
    String readableUser;
    String writableUser;
    /** A meeting event, and a meeting booked through it with the booker's manage token. */
    String meetingEvent;
    String slug;
    String bookedMeeting;
    String manageToken;

    JsonObject schedule() {
      return new JsonObject()
          .put("attendees", new JsonArray().add(ownEmail).add(SHARED_EMAIL))
          .put("start_time", "2025-11-25T14:00:00-08:00").put("duration_minutes", 30).put("title", tag + " sync");
    }

    String scheduleKey(String kind) {
      return tag + "-schedule-" + kind;
    }

    String updateKey(String kind) {
      return tag + "-update-" + kind;
    }

    String meetings() {
      return "/v1/accounts/" + id + "/meetings";
    }

    String webhooks() {
      return "/v1/accounts/" + id + "/webhooks";
    }

    String meetingEvents() {
      return "/v1/accounts/" + id + "/meetingevents";
    }
  }

  /** One route, and what B's credential must get from it. */
  private record Case(HttpMethod method, String path, Check check) {
    String route() {
      return method.name() + " " + path;
    }
  }

  @FunctionalInterface
  private interface Check {
    /** @param kind "api-key" or "token": which of B's credentials {@code b} carries */
    void run(TestCalls b, String kind);
  }

  private FakeGoogle google;
  private TestApp app;
  private Tenant acme;
  private Tenant globex;

  @BeforeEach
  void start(Vertx vertx) {
    google = FakeGoogle.start(vertx).await();
    Map<String, String> env = new HashMap<>(google.env());
    // No webhook or calendar worker: every row stays as the requests left it, so "unchanged" is exact.
    env.put("CONVENE_WORKERS", "api");
    env.put("CONVENE_BOOKING_HORIZON_DAYS", "3650");
    app = TestApp.start(vertx, env).await();
    acme = tenant("Acme", "acme");
    globex = tenant("Globex", "globex");
  }

  private Tenant tenant(String name, String tag) {
    JsonObject account = app.createAccount(name).await();
    Tenant t = new Tenant();
    t.tag = tag;
    t.id = account.getString("id");
    t.apiKey = account.getString("api_key");
    t.clientId = account.getJsonObject("oauth_client").getString("client_id");
    t.clientSecret = account.getJsonObject("oauth_client").getString("client_secret");
    t.token = app.accessToken(account).await();
    t.apiKeyId = rows("SELECT id FROM api_keys WHERE account_id = $1", t.id).get(0).getString("id");
    t.redirectUri = "https://" + tag + ".example.com/calendar/done";
    t.ownEmail = "owner@" + tag + ".example.com";
    TestCalls calls = TestCalls.withKey(app, t.apiKey);

    ok(calls.put("/v1/platform/settings", new JsonObject().put("redirect_uris", new JsonArray().add(t.redirectUri))));
    t.primaryWebhook = ok(calls.put("/v1/platform/webhook", new JsonObject().put("url", HOOK_URL))).getString("id");
    t.accountWebhook = created(calls.post(t.webhooks(), new JsonObject().put("url", HOOK_URL + "/" + tag)))
        .getJsonObject("data").getString("id");
    t.readableUser = "reader@" + tag + ".example.com";
    t.writableUser = "writer@" + tag + ".example.com";
    for (String email : List.of(t.readableUser, t.writableUser)) {
      ok(calls.put("/v1/platform/users/" + enc(email) + "/preferences", new JsonObject().put("timezone", "Europe/Paris")));
    }
    t.ownConnection = importCalendar(t, t.ownEmail);
    t.sharedConnection = importCalendar(t, SHARED_EMAIL);
    // A consent under way: its state is a row of the tenant's too.
    ok(calls.get("/v1/platform/oauth-url?user_email=" + enc("pending@" + tag + ".example.com")
        + "&redirect_uri=" + enc(t.redirectUri)));

    // Idempotency-Keys that the other tenant sends again later, one per kind of its credential.
    for (String kind : CREDENTIALS) {
      t.platformMeeting = ok(calls.header("Idempotency-Key", t.scheduleKey(kind)).post("/v1/schedule", t.schedule()))
          .getString("meeting_id");
    }
    for (String kind : CREDENTIALS) {
      ok(calls.header("Idempotency-Key", t.updateKey(kind)).put("/v1/meetings/" + t.platformMeeting, UPDATE));
    }
    JsonObject meeting = created(calls.post(t.meetings(), accountsMeeting(t, t.ownConnection))).getJsonObject("data");
    t.accountsMeeting = meeting.getString("id");
    t.hostPerson = meeting.getJsonArray("hosts").getJsonObject(0).getString("id");
    t.attendeePerson = meeting.getJsonArray("attendees").getJsonObject(0).getString("id");
    t.delivery = rows("SELECT id FROM webhook_deliveries WHERE account_id = $1 ORDER BY seq LIMIT 1", t.id).get(0)
        .getString("id");
    t.slug = tag + "-intro";
    t.meetingEvent = created(calls.post(t.meetingEvents(), meetingEvent(t))).getJsonObject("data").getString("id");
    JsonObject booked = ok(calls.post("/public/v1/meetingevents/" + t.slug + "/book", booking("guest@" + tag + ".example.com")))
        .getJsonObject("data");
    t.bookedMeeting = booked.getString("id");
    String link = booked.getString("rescheduleLink");
    t.manageToken = link.substring(link.indexOf("token=") + "token=".length());
    return t;
  }

  private String importCalendar(Tenant t, String email) {
    HttpResponse<Buffer> response = app.client.post("/admin/v1/accounts/" + t.id + "/calendar-connections")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("user_email", email).put("refresh_token", google.grant(email).await()))
        .await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonObject("connection").getString("id");
  }

  private static JsonObject meetingEvent(Tenant owner) {
    return new JsonObject().put("name", owner.tag + " intro").put("slug", owner.slug).put("durations", new JsonArray().add(30))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "host@" + owner.tag + ".example.com")));
  }

  /** Monday 2030-03-11 10:00 UTC: a slot of the default Mon–Fri 09:00–17:00 UTC. */
  private static JsonObject booking(String email) {
    return new JsonObject().put("start", "2030-03-11T10:00:00Z").put("duration", 30)
        .put("attendees", new JsonArray().add(new JsonObject().put("email", email)));
  }

  private static JsonObject accountsMeeting(Tenant owner, String connectionId) {
    return new JsonObject()
        .put("name", owner.tag + " review")
        .put("start", "2023-11-07T05:31:56Z")
        .put("end", "2023-11-07T06:31:56Z")
        .put("calendar", new JsonObject().put("connection", connectionId == null ? null
            : new JsonObject().put("id", connectionId)))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "host@" + owner.tag + ".example.com")))
        .put("attendees", new JsonArray().add(new JsonObject().put("email", "guest@" + owner.tag + ".example.com")));
  }

  // ---- the table ------------------------------------------------------------------------------

  private List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    add(cases, HttpMethod.GET, "/health", (b, kind) ->
        assertEquals(new JsonObject().put("status", "ok"), okBody(b.get("/health").await())));
    add(cases, HttpMethod.GET, "/health/ready", (b, kind) ->
        assertEquals(new JsonObject().put("status", "ready"), okBody(b.get("/health/ready").await())));
    addApiDocs(cases);
    addTokenEndpoint(cases);
    addGoogleCallback(cases);
    addAdminApi(cases);
    addPlatformMeetings(cases);
    addPlatformAccount(cases);
    addPlatformWebhooks(cases);
    addCalendars(cases);
    addAccountsMeetings(cases);
    addAccountsWebhooks(cases);
    addScheduling(cases);
    addMeetingEvents(cases);
    addPublicBooking(cases);
    return cases;
  }

  private static void add(List<Case> cases, HttpMethod method, String path, Check check) {
    cases.add(new Case(method, path, check));
  }

  /** The document and its page are public and the same for everyone. */
  private static void addApiDocs(List<Case> cases) {
    String yaml = ApiDocument.resource(ApiDocument.RESOURCE);
    add(cases, HttpMethod.GET, "/openapi.json", (b, kind) ->
        assertEquals(ApiDocument.parse(yaml), okBody(b.get("/openapi.json").await())));
    add(cases, HttpMethod.GET, "/openapi.yaml", (b, kind) -> {
      HttpResponse<Buffer> response = b.get("/openapi.yaml").await();
      assertEquals(200, response.statusCode());
      assertEquals(yaml, response.bodyAsString());
    });
    add(cases, HttpMethod.GET, "/docs", (b, kind) -> {
      HttpResponse<Buffer> response = b.get("/docs").await();
      assertEquals(200, response.statusCode());
      assertTrue(response.bodyAsString().contains("SwaggerUIBundle({url: \"openapi.json\""), response.bodyAsString());
    });
  }

  private void addTokenEndpoint(List<Case> cases) {
    add(cases, HttpMethod.POST, "/oauth2/token", (b, kind) -> {
      JsonObject refused = new JsonObject().put("error", "invalid_client")
          .put("error_description", "unknown client or wrong client secret");
      for (JsonObject grant : List.of(grant(globex.clientId, acme.clientSecret), grant(acme.clientId, globex.clientSecret))) {
        HttpResponse<Buffer> response = b.post("/oauth2/token", grant).await();
        assertEquals(401, response.statusCode(), response.bodyAsString());
        assertEquals(refused, response.bodyAsJsonObject());
      }
      HttpResponse<Buffer> own = b.post("/oauth2/token", grant(globex.clientId, globex.clientSecret)).await();
      JsonObject payload = jwtPayload(okBody(own).getString("access_token"));
      assertEquals(globex.id, payload.getString("account_id"), "a token names its own client's account");
      assertEquals(globex.clientId, payload.getString("client_id"));
    });
  }

  /** The OAuth state ties Google's callback to the tenant that asked: B's consent of a user A also connected lands in B. */
  private void addGoogleCallback(List<Case> cases) {
    add(cases, HttpMethod.GET, "/oauth/google/callback", (b, kind) -> {
      String state = state(okBody(b.get("/v1/platform/oauth-url?user_email=" + enc(SHARED_EMAIL) + "&redirect_uri="
          + enc(globex.redirectUri) + "&state=" + kind).await()).getString("oauth_url"));
      String code = google.consent(SHARED_EMAIL).await();
      HttpResponse<Buffer> back = app.client.get("/oauth/google/callback?code=" + enc(code) + "&state=" + enc(state))
          .followRedirects(false).send().await();
      assertEquals(302, back.statusCode(), back.bodyAsString());
      assertEquals(globex.redirectUri + "?state=" + kind + "&success=true", back.getHeader("Location"));
      assertEquals(globex.sharedConnection, rows("SELECT id FROM calendar_connections WHERE account_id = $1"
          + " AND email_key = $2 AND revoked_at IS NULL", globex.id, SHARED_EMAIL).get(0).getString("id"),
          "B's own connection was renewed");
    });
  }

  private void addAdminApi(List<Case> cases) {
    add(cases, HttpMethod.POST, "/admin/v1/accounts", (b, kind) -> {
      assertError(b.post("/admin/v1/accounts", new JsonObject().put("name", "Initech")).await(), 401,
          "invalid_admin_token", ADMIN_REFUSAL, null);
      assertEquals(2L, rows("SELECT count(*) AS n FROM accounts").get(0).getLong("n"));
    });
    add(cases, HttpMethod.GET, "/admin/v1/accounts", (b, kind) ->
        assertError(b.get("/admin/v1/accounts").await(), 401, "invalid_admin_token", ADMIN_REFUSAL, null));
    add(cases, HttpMethod.POST, "/admin/v1/accounts/:accountId/api-keys", (b, kind) ->
        assertError(b.post("/admin/v1/accounts/" + acme.id + "/api-keys", null).await(), 401, "invalid_admin_token",
            ADMIN_REFUSAL, null));
    add(cases, HttpMethod.POST, "/admin/v1/accounts/:accountId/oauth-clients", (b, kind) ->
        assertError(b.post("/admin/v1/accounts/" + acme.id + "/oauth-clients", null).await(), 401, "invalid_admin_token",
            ADMIN_REFUSAL, null));
    add(cases, HttpMethod.POST, "/admin/v1/accounts/:accountId/calendar-connections", (b, kind) ->
        assertError(b.post("/admin/v1/accounts/" + acme.id + "/calendar-connections", new JsonObject()
            .put("user_email", acme.ownEmail).put("refresh_token", "1//0g-stolen")).await(), 401, "invalid_admin_token",
            ADMIN_REFUSAL, null));
    // Even the operator cannot revoke one account's credential through another account's path.
    add(cases, HttpMethod.DELETE, "/admin/v1/accounts/:accountId/api-keys/:keyId", (b, kind) -> {
      assertError(b.delete("/admin/v1/accounts/" + acme.id + "/api-keys/" + acme.apiKeyId).await(), 401,
          "invalid_admin_token", ADMIN_REFUSAL, null);
      assertError(admin().delete("/admin/v1/accounts/" + globex.id + "/api-keys/" + acme.apiKeyId).await(), 404,
          "not_found", "no live API key with that id on that account", null);
      assertEquals(200, TestCalls.withKey(app, acme.apiKey).get("/v1/meetings").await().statusCode());
    });
    add(cases, HttpMethod.DELETE, "/admin/v1/accounts/:accountId/oauth-clients/:clientId", (b, kind) -> {
      assertError(b.delete("/admin/v1/accounts/" + acme.id + "/oauth-clients/" + acme.clientId).await(), 401,
          "invalid_admin_token", ADMIN_REFUSAL, null);
      assertError(admin().delete("/admin/v1/accounts/" + globex.id + "/oauth-clients/" + acme.clientId).await(), 404,
          "not_found", "no live OAuth client with that id on that account", null);
      assertEquals(200, TestCalls.withKey(app, acme.token).get(acme.meetings()).await().statusCode());
    });
  }

  private void addPlatformMeetings(List<Case> cases) {
    // A's Idempotency-Key and A's exact request: B gets a meeting of its own, not A's stored answer.
    add(cases, HttpMethod.POST, "/v1/schedule", (b, kind) -> {
      HttpResponse<Buffer> response = b.header("Idempotency-Key", acme.scheduleKey(kind)).post("/v1/schedule", acme.schedule())
          .await();
      String id = okBody(response).getString("meeting_id");
      assertNull(response.getHeader("Idempotent-Replayed"));
      assertNotEquals(acme.platformMeeting, id);
      Row row = rows("SELECT account_id, calendar_connection_id FROM meetings WHERE id = $1", id).get(0);
      assertEquals(globex.id, row.getString("account_id"));
      assertEquals(globex.sharedConnection, row.getString("calendar_connection_id"),
          "A's connected owner is skipped; B's own connection of the shared attendee is taken");
    });
    add(cases, HttpMethod.GET, "/v1/meetings", (b, kind) -> {
      assertEquals(meetingIds(globex), listed(okBody(b.get("/v1/meetings?limit=200").await()), "meetings", "meeting_id"));
      for (String filter : List.of("attendee=" + enc(acme.ownEmail), "attendee=" + enc(SHARED_EMAIL), "status=scheduled",
          "updated_since=" + enc("2000-01-01T00:00:00Z"))) {
        Set<String> found = listed(okBody(b.get("/v1/meetings?limit=200&" + filter).await()), "meetings", "meeting_id");
        assertTrue(meetingIds(globex).containsAll(found), filter + ": " + found);
      }
    });
    add(cases, HttpMethod.GET, "/v1/meetings/:meetingId", (b, kind) -> {
      for (String id : List.of(acme.platformMeeting, acme.accountsMeeting)) {
        meetingNotFound(b.get("/v1/meetings/" + id).await(), id);
      }
    });
    add(cases, HttpMethod.PUT, "/v1/meetings/:meetingId", (b, kind) -> {
      HttpResponse<Buffer> again = b.header("Idempotency-Key", acme.updateKey(kind)).put("/v1/meetings/" + acme.platformMeeting,
          UPDATE).await();
      meetingNotFound(again, acme.platformMeeting);
      assertNull(again.getHeader("Idempotent-Replayed"), "A's stored answer is not B's to replay");
      meetingNotFound(b.put("/v1/meetings/" + acme.accountsMeeting, UPDATE).await(), acme.accountsMeeting);
    });
    add(cases, HttpMethod.DELETE, "/v1/meetings/:meetingId", (b, kind) -> {
      for (String id : List.of(acme.platformMeeting, acme.accountsMeeting)) {
        meetingNotFound(b.delete("/v1/meetings/" + id).await(), id);
      }
    });
  }

  private void addPlatformAccount(List<Case> cases) {
    add(cases, HttpMethod.GET, "/v1/platform/settings", (b, kind) ->
        assertEquals(settings(globex), okBody(b.get("/v1/platform/settings").await())));
    add(cases, HttpMethod.PUT, "/v1/platform/settings", (b, kind) ->
        assertEquals(settings(globex), okBody(b.put("/v1/platform/settings", new JsonObject()
            .put("redirect_uris", new JsonArray().add(globex.redirectUri)).put("webhook_url", HOOK_URL)).await())));
    add(cases, HttpMethod.GET, "/v1/platform/dashboard", (b, kind) -> {
      JsonObject body = okBody(b.get("/v1/platform/dashboard").await());
      assertEquals(new JsonObject().put("id", globex.id).put("name", "Globex").put("plan", "self-hosted"),
          body.getJsonObject("platform"));
      assertEquals(count("SELECT count(*) FROM meetings WHERE account_id = $1", globex.id),
          body.getJsonObject("usage").getLong("this_month"));
      assertEquals(count("SELECT count(*) FROM calendar_connections WHERE account_id = $1 AND revoked_at IS NULL", globex.id),
          body.getLong("connected_users"));
      assertEquals(count("SELECT count(*) FROM webhook_deliveries WHERE account_id = $1", globex.id),
          body.getJsonObject("stats").getJsonObject("webhook_deliveries_24h").getLong("pending"));
    });
    add(cases, HttpMethod.GET, "/console", (b, kind) -> {
      HttpResponse<Buffer> page = b.get("/console").await();
      assertEquals(200, page.statusCode());
      assertTrue(page.bodyAsString().contains("<title>Convene console</title>"), "the console's page, the same for anyone");
    });
    add(cases, HttpMethod.POST, "/v1/platform/regenerate-key", (b, kind) -> {
      String replacement = okBody(b.post("/v1/platform/regenerate-key", null).await()).getString("api_key");
      assertEquals(globex.id, rows("SELECT account_id FROM api_keys WHERE revoked_at IS NULL AND id = $1",
          "key_" + replacement.substring(8, 20)).get(0).getString("account_id"));
      assertEquals(200, TestCalls.withKey(app, acme.apiKey).get("/v1/meetings").await().statusCode(), "A's key still works");
      globex.apiKey = replacement;
    });
  }

  private void addPlatformWebhooks(List<Case> cases) {
    add(cases, HttpMethod.GET, "/v1/platform/webhook", (b, kind) ->
        assertEquals(globex.primaryWebhook, okBody(b.get("/v1/platform/webhook").await()).getString("id")));
    add(cases, HttpMethod.PUT, "/v1/platform/webhook", (b, kind) -> {
      JsonObject changed = okBody(b.put("/v1/platform/webhook", new JsonObject().put("max_retries", 3)).await());
      assertEquals(globex.primaryWebhook, changed.getString("id"));
      assertEquals(3, changed.getInteger("max_retries"));
    });
    add(cases, HttpMethod.GET, "/v1/platform/webhook/logs", (b, kind) -> {
      Set<String> own = ids("SELECT id FROM webhook_deliveries WHERE account_id = $1", globex.id);
      assertEquals(own, listed(okBody(b.get("/v1/platform/webhook/logs?limit=200").await()), "deliveries", "id"));
      for (String filter : List.of("event=meeting.scheduled", "status=pending")) {
        Set<String> found = listed(okBody(b.get("/v1/platform/webhook/logs?limit=200&" + filter).await()),
            "deliveries", "id");
        assertFalse(found.isEmpty(), filter);
        assertTrue(own.containsAll(found), filter + ": " + found);
      }
    });
    add(cases, HttpMethod.POST, "/v1/platform/webhook/test", (b, kind) -> {
      HttpResponse<Buffer> queued = b.post("/v1/platform/webhook/test", null).await();
      assertEquals(202, queued.statusCode(), queued.bodyAsString());
      String id = queued.bodyAsJsonObject().getJsonObject("delivery").getString("id");
      Row row = rows("SELECT account_id, endpoint_id FROM webhook_deliveries WHERE id = $1", id).get(0);
      assertEquals(globex.id, row.getString("account_id"));
      assertEquals(globex.primaryWebhook, row.getString("endpoint_id"));
    });
    add(cases, HttpMethod.GET, "/v1/platform/webhook/deliveries/:deliveryId", (b, kind) ->
        assertError(b.get("/v1/platform/webhook/deliveries/" + acme.delivery).await(), 404, "delivery_not_found",
            "delivery " + acme.delivery + " not found", null));
    add(cases, HttpMethod.POST, "/v1/platform/webhook/deliveries/:deliveryId/redeliver", (b, kind) ->
        assertError(b.post("/v1/platform/webhook/deliveries/" + acme.delivery + "/redeliver", null).await(), 404,
            "delivery_not_found", "delivery " + acme.delivery + " not found", null));
  }

  private void addCalendars(List<Case> cases) {
    add(cases, HttpMethod.GET, "/v1/platform/oauth-url", (b, kind) -> {
      assertError(b.get("/v1/platform/oauth-url?user_email=" + enc(acme.ownEmail) + "&redirect_uri=" + enc(acme.redirectUri))
              .await(), 400, "invalid_redirect_uri", "redirect_uri is not one of this platform's registered"
              + " redirect_uris (PUT /v1/platform/settings)", "redirect_uri");
      okBody(b.get("/v1/platform/oauth-url?user_email=" + enc(acme.ownEmail) + "&redirect_uri=" + enc(globex.redirectUri))
          .await());
    });
    add(cases, HttpMethod.GET, "/v1/calendars", (b, kind) -> {
      JsonObject listed = okBody(b.get("/v1/calendars").await());
      Set<String> emails = listed.getJsonArray("connections").stream()
          .map(c -> ((JsonObject) c).getString("user_email")).collect(Collectors.toCollection(TreeSet::new));
      assertEquals(new TreeSet<>(Set.of(globex.ownEmail, SHARED_EMAIL)), emails);
      assertEquals(2, listed.getInteger("count"));
    });
    add(cases, HttpMethod.DELETE, "/v1/calendars/:email", (b, kind) ->
        assertError(b.delete("/v1/calendars/" + acme.ownEmail).await(), 404, "calendar_not_found",
            "no connected calendar for " + acme.ownEmail, null));
  }

  private void addAccountsMeetings(List<Case> cases) {
    String meeting = "/v1/accounts/:accountId/meetings/:meetingId";
    add(cases, HttpMethod.GET, "/v1/accounts/:accountId/meetings", (b, kind) -> {
      forbidden(b.get(acme.meetings()).await());
      assertEquals(meetingIds(globex), listed(okBody(b.get(globex.meetings() + "?limit=100").await()), "data", "id"));
      for (String filter : List.of("attendee=" + acme.attendeePerson, "host=" + acme.hostPerson, "name=acme%20review")) {
        assertEquals(new JsonArray(), okBody(b.get(globex.meetings() + "?" + filter).await()).getJsonArray("data"),
            filter);
      }
    });
    add(cases, HttpMethod.POST, "/v1/accounts/:accountId/meetings", (b, kind) -> {
      forbidden(b.post(acme.meetings(), accountsMeeting(globex, null)).await());
      unknownConnection(b.post(globex.meetings(), accountsMeeting(globex, acme.ownConnection)).await());
    });
    add(cases, HttpMethod.GET, meeting, (b, kind) -> {
      forbidden(b.get(acme.meetings() + "/" + acme.accountsMeeting).await());
      for (String id : List.of(acme.accountsMeeting, acme.platformMeeting)) {
        meetingNotFound(b.get(globex.meetings() + "/" + id).await(), id);
      }
    });
    add(cases, HttpMethod.PUT, meeting, (b, kind) -> {
      JsonObject replace = accountsMeeting(globex, null).put("id", acme.accountsMeeting);
      forbidden(b.put(acme.meetings() + "/" + acme.accountsMeeting, replace).await());
      meetingNotFound(b.put(globex.meetings() + "/" + acme.accountsMeeting, replace).await(), acme.accountsMeeting);
      meetingNotFound(b.put(globex.meetings() + "/" + acme.platformMeeting, replace.copy().put("id", acme.platformMeeting))
          .await(), acme.platformMeeting);
      unknownConnection(b.put(globex.meetings() + "/" + globex.accountsMeeting,
          accountsMeeting(globex, acme.ownConnection).put("id", globex.accountsMeeting)).await());
    });
    add(cases, HttpMethod.PUT, meeting + "/cancel", (b, kind) -> {
      forbidden(b.put(acme.meetings() + "/" + acme.accountsMeeting + "/cancel", null).await());
      for (String id : List.of(acme.accountsMeeting, acme.platformMeeting)) {
        meetingNotFound(b.put(globex.meetings() + "/" + id + "/cancel", null).await(), id);
      }
    });
  }

  private void addAccountsWebhooks(List<Case> cases) {
    add(cases, HttpMethod.POST, "/v1/accounts/:accountId/webhooks", (b, kind) ->
        forbidden(b.post(acme.webhooks(), new JsonObject().put("url", HOOK_URL + "/stolen")).await()));
    add(cases, HttpMethod.GET, "/v1/accounts/:accountId/webhooks", (b, kind) -> {
      forbidden(b.get(acme.webhooks()).await());
      assertEquals(ids("SELECT id FROM webhook_endpoints WHERE account_id = $1", globex.id),
          listed(okBody(b.get(globex.webhooks() + "?limit=100").await()), "data", "id"));
    });
    add(cases, HttpMethod.DELETE, "/v1/accounts/:accountId/webhooks/:webhookId", (b, kind) -> {
      forbidden(b.delete(acme.webhooks() + "/" + acme.accountWebhook).await());
      for (String id : List.of(acme.accountWebhook, acme.primaryWebhook)) {
        assertError(b.delete(globex.webhooks() + "/" + id).await(), 404, "webhook_not_found",
            "webhook " + id + " not found", null);
      }
    });
  }

  private void addMeetingEvents(List<Case> cases) {
    JsonObject change = new JsonObject().put("name", "stolen").put("durations", new JsonArray().add(30))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "thief@example.com")));
    add(cases, HttpMethod.GET, "/v1/accounts/:accountId/meetingevents", (b, kind) -> {
      forbidden(b.get(acme.meetingEvents()).await());
      assertEquals(ids("SELECT id FROM meeting_events WHERE account_id = $1", globex.id),
          listed(okBody(b.get(globex.meetingEvents() + "?limit=100").await()), "data", "id"));
    });
    add(cases, HttpMethod.POST, "/v1/accounts/:accountId/meetingevents", (b, kind) ->
        forbidden(b.post(acme.meetingEvents(), change).await()));
    add(cases, HttpMethod.GET, "/v1/accounts/:accountId/meetingevents/:meetingEventId", (b, kind) -> {
      forbidden(b.get(acme.meetingEvents() + "/" + acme.meetingEvent).await());
      meetingEventNotFound(b.get(globex.meetingEvents() + "/" + acme.meetingEvent).await(), acme.meetingEvent);
    });
    add(cases, HttpMethod.PUT, "/v1/accounts/:accountId/meetingevents/:meetingEventId", (b, kind) -> {
      forbidden(b.put(acme.meetingEvents() + "/" + acme.meetingEvent, change).await());
      meetingEventNotFound(b.put(globex.meetingEvents() + "/" + acme.meetingEvent, change).await(), acme.meetingEvent);
    });
    add(cases, HttpMethod.PUT, "/v1/account/:accountId/meetingevents/:meetingEventId", (b, kind) -> {
      forbidden(b.put("/v1/account/" + acme.id + "/meetingevents/" + acme.meetingEvent, change).await());
      meetingEventNotFound(b.put("/v1/account/" + globex.id + "/meetingevents/" + acme.meetingEvent, change).await(),
          acme.meetingEvent);
    });
    add(cases, HttpMethod.DELETE, "/v1/accounts/:accountId/meetingevents/:meetingEventId", (b, kind) -> {
      forbidden(b.delete(acme.meetingEvents() + "/" + acme.meetingEvent).await());
      meetingEventNotFound(b.delete(globex.meetingEvents() + "/" + acme.meetingEvent).await(), acme.meetingEvent);
    });
    add(cases, HttpMethod.POST, "/v1/accounts/:accountId/meetingevents/:meetingEventId/duplicate", (b, kind) -> {
      forbidden(b.post(acme.meetingEvents() + "/" + acme.meetingEvent + "/duplicate", new JsonObject()).await());
      meetingEventNotFound(b.post(globex.meetingEvents() + "/" + acme.meetingEvent + "/duplicate", new JsonObject()).await(),
          acme.meetingEvent);
    });
  }

  /**
   * The public surface takes no tenant credential: B's is ignored. A's event is public by its slug, but B can
   * change A's bookings only with A's booker's manage token, which B's own token is not.
   */
  private void addPublicBooking(List<Case> cases) {
    add(cases, HttpMethod.GET, "/public/v1/meetingevents/:slug", (b, kind) ->
        assertEquals(acme.slug, okBody(b.get("/public/v1/meetingevents/" + acme.slug).await()).getJsonObject("data")
            .getString("slug")));
    add(cases, HttpMethod.GET, "/public/v1/meetingevents/:slug/slots", (b, kind) ->
        assertEquals(acme.slug, okBody(b.get("/public/v1/meetingevents/" + acme.slug + "/slots?start=2030-03-11&end=2030-03-11")
            .await()).getJsonObject("data").getString("slug")));
    add(cases, HttpMethod.POST, "/public/v1/meetingevents/:slug/book", (b, kind) ->
        assertError(b.post("/public/v1/meetingevents/" + acme.slug + "/book",
                booking("thief@example.com").put("start", "2030-03-11T10:10:00Z")).await(), 400, "slot_unavailable",
            "start is not an offered slot of this meeting event for 30 minutes (GET /public/v1/meetingevents/" + acme.slug
                + "/slots)", "start"));
    String refusal = "the manage token is missing, expired or not valid for this meeting";
    add(cases, HttpMethod.GET, "/public/v1/meetings/:meetingId", (b, kind) -> {
      assertError(b.get("/public/v1/meetings/" + acme.bookedMeeting).await(), 401, "invalid_token", refusal, null);
      assertError(b.get("/public/v1/meetings/" + acme.bookedMeeting + "?token=" + globex.manageToken).await(), 401,
          "invalid_token", refusal, null);
    });
    add(cases, HttpMethod.PUT, "/public/v1/meetings/:meetingId", (b, kind) ->
        assertError(b.put("/public/v1/meetings/" + acme.bookedMeeting + "?token=" + globex.manageToken,
            booking("guest@globex.example.com")).await(), 401, "invalid_token", refusal, null));
    add(cases, HttpMethod.PUT, "/public/v1/meetings/:meetingId/cancel", (b, kind) ->
        assertError(b.put("/public/v1/meetings/" + acme.bookedMeeting + "/cancel?token=" + globex.manageToken,
            new JsonObject()).await(), 401, "invalid_token", refusal, null));
  }

  private static void meetingEventNotFound(HttpResponse<Buffer> response, String id) {
    assertError(response, 404, "meeting_event_not_found", "meeting event " + id + " not found", null);
  }

  private void addScheduling(List<Case> cases) {
    add(cases, HttpMethod.GET, "/v1/platform/users", (b, kind) -> {
      JsonObject listed = okBody(b.get("/v1/platform/users").await());
      Set<String> emails = listed.getJsonArray("users").stream().map(u -> ((JsonObject) u).getString("email"))
          .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(knownUsers(globex), emails);
      assertEquals(emails.size(), listed.getInteger("total"));
    });
    add(cases, HttpMethod.GET, "/v1/platform/users/status", (b, kind) ->
        assertEquals(new JsonObject().put("connected", false).put("user_email", acme.ownEmail)
            .put("message", "User has not connected their calendar"),
            okBody(b.get("/v1/platform/users/status?email=" + enc(acme.ownEmail)).await())));
    add(cases, HttpMethod.GET, "/v1/users/:email/status", (b, kind) ->
        assertEquals(false, okBody(b.get("/v1/users/" + enc(acme.ownEmail) + "/status").await())
            .getBoolean("calendar_connected")));
    add(cases, HttpMethod.GET, "/v1/platform/users/:email/preferences", (b, kind) ->
        userNotFound(b.get("/v1/platform/users/" + enc(acme.readableUser) + "/preferences").await(), acme.readableUser, null));
    add(cases, HttpMethod.GET, "/v1/user/preferences", (b, kind) ->
        userNotFound(b.get("/v1/user/preferences?email=" + enc(acme.readableUser)).await(), acme.readableUser, null));
    // B's write of the same address is B's own user; A's row stays as it was (the snapshot says so).
    add(cases, HttpMethod.PUT, "/v1/platform/users/:email/preferences", (b, kind) -> {
      okBody(b.put("/v1/platform/users/" + enc(acme.writableUser) + "/preferences",
          new JsonObject().put("timezone", "Asia/Tokyo")).await());
      assertEquals(1, rows("SELECT 1 FROM user_preferences WHERE account_id = $1 AND email_key = $2", globex.id,
          acme.writableUser).size());
    });
    add(cases, HttpMethod.PUT, "/v1/user/preferences", (b, kind) ->
        assertEquals("Asia/Tokyo", okBody(b.put("/v1/user/preferences", new JsonObject().put("email", acme.writableUser)
            .put("timezone", "Asia/Tokyo")).await()).getJsonObject("preferences").getString("timezone")));
    add(cases, HttpMethod.POST, "/v1/availability", (b, kind) -> {
      userNotFound(b.post("/v1/availability", new JsonObject().put("attendees", new JsonArray().add(acme.readableUser)))
          .await(), acme.readableUser, "attendees[0]");
      okBody(b.post("/v1/availability", new JsonObject().put("attendees", new JsonArray().add(SHARED_EMAIL))
          .put("date_range", new JsonObject().put("start_date", "2025-11-25").put("end_date", "2025-11-25"))).await());
    });
    add(cases, HttpMethod.POST, "/v1/schedule/auto", (b, kind) ->
        userNotFound(b.post("/v1/schedule/auto", new JsonObject().put("attendees", new JsonArray().add(acme.readableUser))
            .put("duration_minutes", 30).put("title", "Stolen")).await(), acme.readableUser, "attendees[0]"));
    add(cases, HttpMethod.POST, "/v1/meetings/:meetingId/reschedule", (b, kind) -> {
      for (String id : List.of(acme.platformMeeting, acme.accountsMeeting)) {
        meetingNotFound(b.post("/v1/meetings/" + id + "/reschedule", new JsonObject().put("meeting_id", id)
            .put("requested_by", SHARED_EMAIL).put("reason", "mine now")).await(), id);
      }
    });
    add(cases, HttpMethod.GET, "/v1/meetings/:meetingId/events", (b, kind) -> {
      for (String id : List.of(acme.platformMeeting, acme.accountsMeeting)) {
        meetingNotFound(b.get("/v1/meetings/" + id + "/events").await(), id);
      }
    });
    add(cases, HttpMethod.GET, "/v1/accounts/:accountId/meetings/:meetingId/events", (b, kind) -> {
      forbidden(b.get(acme.meetings() + "/" + acme.accountsMeeting + "/events").await());
      for (String id : List.of(acme.accountsMeeting, acme.platformMeeting)) {
        meetingNotFound(b.get(globex.meetings() + "/" + id + "/events").await(), id);
      }
    });
  }

  private Set<String> knownUsers(Tenant t) {
    return rows("SELECT email FROM user_preferences WHERE account_id = $1 UNION SELECT user_email FROM calendar_connections"
        + " WHERE account_id = $1 AND revoked_at IS NULL", t.id).stream().map(r -> r.getString("email"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static void userNotFound(HttpResponse<Buffer> response, String email, String field) {
    assertError(response, 404, "user_not_found", "user " + email + " is not known: store preferences for them or have"
        + " them connect their calendar (GET /v1/platform/oauth-url)", field);
  }

  // ---- the tests ------------------------------------------------------------------------------

  @Test
  void everyRouteKeepsTenantsApart() {
    JsonObject before = snapshot(acme.id);
    for (String table : List.of("api_keys", "oauth_clients", "platform_settings", "meetings", "events",
        "idempotency_keys", "webhook_endpoints", "webhook_deliveries", "calendar_connections", "calendar_oauth_states",
        "calendar_sync_jobs", "user_preferences", "meeting_events")) {
      assertFalse(before.getJsonArray(table).isEmpty(), "A has rows in " + table + " for B to reach for");
    }
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (String kind : CREDENTIALS) {
      for (Case c : cases()) {
        TestCalls caller = TestCalls.withKey(app, kind.equals("token") ? globex.token : globex.apiKey);
        try {
          c.check().run(caller, kind);
          checked++;
        } catch (AssertionError | RuntimeException e) {
          failures.add(c.route() + " with B's " + kind + ": " + e.getMessage());
        }
        JsonObject after = snapshot(acme.id);
        for (String table : before.fieldNames()) {
          if (!before.getValue(table).equals(after.getValue(table))) {
            failures.add(c.route() + " with B's " + kind + " changed A's " + table + ": "
                + changed(before.getJsonArray(table), after.getJsonArray(table)));
          }
        }
        before = after;
      }
    }
    failures.addAll(crossTenantReferences());
    assertEquals(List.of(), failures);
    assertEquals(2 * cases().size(), checked);
  }

  /** Every route the app serves has a row above, and every row names a route the app serves. */
  @Test
  void theTableCoversEveryMountedRoute() {
    List<HttpVerticle> fronts = app.httpFronts();
    assertEquals(app.config.eventLoops(), fronts.size(), "one HTTP front per event loop");
    Set<String> endpoints = new TreeSet<>();
    Set<String> middleware = new TreeSet<>();
    for (Route route : fronts.get(0).routes()) {
      // A path with :params is matched by a regex too, but keeps its path; only a pathRegex route has none.
      assertFalse(route.isRegexPath() && route.getPath() == null, "a pathRegex route cannot be matched to a row");
      boolean endpoint = route.getPath() != null && route.isExactPath() && route.methods() != null
          && !route.methods().isEmpty();
      if (endpoint) {
        route.methods().forEach(m -> endpoints.add(m.name() + " " + route.getPath()));
      } else {
        middleware.add(describe(route));
      }
    }
    for (HttpVerticle other : fronts) {
      assertEquals(fronts.get(0).routes().size(), other.routes().size(), "every front serves the same routes");
    }
    Set<String> table = cases().stream().map(Case::route).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(cases().size(), table.size(), "one row per route");
    assertEquals(endpoints, table);
    // What runs in front of the routes (request ids, path guard, body limit, error rendering, failed-auth
    // limit, authentication, the account guard, rate limit, idempotency). A route mounted for every
    // method, or under a prefix, is not an endpoint the table can hold; it must be one of these.
    assertEquals(new TreeSet<>(Set.of(
        "* (every path)",
        "* /admin/v1/*",
        "* /console/*",
        "* /oauth2/token",
        "* /public/v1/*",
        "* /v1/*",
        "* /v1/account/:accountId/*",
        "* /v1/accounts/:accountId/*",
        "DELETE,PATCH,POST,PUT /v1/*",
        "GET /docs/*")), middleware);
  }

  private static String describe(Route route) {
    String methods = route.methods() == null || route.methods().isEmpty() ? "*"
        : route.methods().stream().map(HttpMethod::name).sorted().collect(Collectors.joining(","));
    String path = route.getPath() == null ? "(every path)" : route.getPath() + (route.isExactPath() ? "" : "*");
    return methods + " " + path;
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * Every row of the tenant, table by table: each table with an {@code account_id} column, the
   * account itself, and its deliveries' attempts. A table of the schema that has no
   * {@code account_id} and is not known to be global fails here, so a new table is covered or named.
   */
  private JsonObject snapshot(String accountId) {
    JsonObject out = new JsonObject();
    for (Row table : rows("SELECT c.relname AS name, EXISTS (SELECT 1 FROM information_schema.columns i"
        + " WHERE i.table_schema = current_schema() AND i.table_name = c.relname AND i.column_name = 'account_id')"
        + " AS scoped FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
        + " ORDER BY c.relname")) {
      String name = table.getString("name");
      if (table.getBoolean("scoped")) {
        out.put(name, tableRows("SELECT * FROM " + name + " WHERE account_id = $1", accountId));
      } else {
        assertTrue(NOT_PER_TENANT.contains(name), "table " + name + " has no account_id: is it per tenant?");
      }
    }
    out.put("accounts", tableRows("SELECT * FROM accounts WHERE id = $1", accountId));
    out.put("webhook_attempts", tableRows("SELECT * FROM webhook_attempts WHERE delivery_id IN"
        + " (SELECT id FROM webhook_deliveries WHERE account_id = $1)", accountId));
    return out;
  }

  /**
   * References between rows that must stay within one tenant (the foreign keys do not say so): an
   * event of a meeting, a delivery of an event to an endpoint, a meeting on a calendar connection,
   * a calendar mirror or sync job of a meeting.
   */
  private List<String> crossTenantReferences() {
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put("event of another tenant's meeting",
        "SELECT e.id FROM events e JOIN meetings m ON m.id = e.meeting_id WHERE e.account_id <> m.account_id");
    checks.put("delivery of another tenant's event",
        "SELECT d.id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE d.account_id <> e.account_id");
    checks.put("delivery to another tenant's endpoint", "SELECT d.id FROM webhook_deliveries d"
        + " JOIN webhook_endpoints w ON w.id = d.endpoint_id WHERE d.account_id <> w.account_id");
    checks.put("meeting on another tenant's calendar", "SELECT m.id FROM meetings m"
        + " JOIN calendar_connections c ON c.id = m.calendar_connection_id WHERE m.account_id <> c.account_id");
    checks.put("calendar mirror of another tenant's meeting or connection", "SELECT ce.meeting_id AS id FROM calendar_events ce"
        + " JOIN meetings m ON m.id = ce.meeting_id LEFT JOIN calendar_connections c ON c.id = ce.connection_id"
        + " WHERE ce.account_id <> m.account_id OR ce.account_id <> c.account_id");
    checks.put("meeting booked through another tenant's meeting event", "SELECT m.id FROM meetings m"
        + " JOIN meeting_events e ON e.id = m.meeting_event_id WHERE m.account_id <> e.account_id");
    checks.put("meeting event on another tenant's calendar", "SELECT e.id FROM meeting_events e"
        + " JOIN calendar_connections c ON c.id = e.calendar_connection_id WHERE e.account_id <> c.account_id");
    checks.put("sync job of another tenant's meeting",
        "SELECT j.meeting_id AS id FROM calendar_sync_jobs j JOIN meetings m ON m.id = j.meeting_id"
            + " WHERE j.account_id <> m.account_id");
    List<String> found = new ArrayList<>();
    checks.forEach((what, sql) -> {
      Set<String> ids = ids(sql);
      if (!ids.isEmpty()) {
        found.add(what + ": " + ids);
      }
    });
    assertFalse(ids("SELECT d.id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id"
        + " JOIN webhook_endpoints w ON w.id = d.endpoint_id").isEmpty(), "there are deliveries to check");
    return found;
  }

  /** The rows only one side has: what a request changed. */
  private static String changed(JsonArray before, JsonArray after) {
    List<Object> gone = new ArrayList<>(before.getList());
    gone.removeAll(after.getList());
    List<Object> came = new ArrayList<>(after.getList());
    came.removeAll(before.getList());
    return gone.size() + " row(s) " + new JsonArray(gone) + " became " + new JsonArray(came);
  }

  private JsonArray tableRows(String select, String accountId) {
    Object rows = rows("SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY to_jsonb(t)::text), '[]'::jsonb) AS rows FROM ("
        + select + ") t", accountId).get(0).getValue("rows");
    return (JsonArray) rows;
  }

  private List<Row> rows(String sql, Object... params) {
    List<Row> rows = new ArrayList<>();
    app.database.pool(app.vertx).preparedQuery(sql).execute(Tuple.wrap(params)).await().forEach(rows::add);
    return rows;
  }

  private long count(String sql, Object... params) {
    return rows(sql, params).get(0).getLong(0);
  }

  private Set<String> ids(String sql, Object... params) {
    return rows(sql, params).stream().map(r -> r.getString("id")).collect(Collectors.toCollection(TreeSet::new));
  }

  private Set<String> meetingIds(Tenant t) {
    return ids("SELECT id FROM meetings WHERE account_id = $1", t.id);
  }

  private static Set<String> listed(JsonObject page, String array, String idField) {
    return page.getJsonArray(array).stream().map(item -> ((JsonObject) item).getString(idField))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private JsonObject settings(Tenant t) {
    return new JsonObject().put("success", true).put("redirect_uris", new JsonArray().add(t.redirectUri))
        .put("webhook_url", HOOK_URL).put("booking_page_url", null);
  }

  private TestCalls admin() {
    return TestCalls.withKey(app, TestApp.ADMIN_TOKEN);
  }

  private static JsonObject grant(String clientId, String secret) {
    return new JsonObject().put("grant_type", "client_credentials").put("client_id", clientId)
        .put("client_secret", secret);
  }

  private void forbidden(HttpResponse<Buffer> response) {
    assertError(response, 403, "account_forbidden", "this credential may not act on account " + acme.id, null);
  }

  private static void meetingNotFound(HttpResponse<Buffer> response, String id) {
    assertError(response, 404, "meeting_not_found", "meeting " + id + " not found", null);
  }

  private static void unknownConnection(HttpResponse<Buffer> response) {
    assertError(response, 400, "unknown_calendar_connection",
        "calendar.connection.id names no calendar connection of this account", "calendar.connection.id");
  }

  private static JsonObject ok(io.vertx.core.Future<HttpResponse<Buffer>> call) {
    return okBody(call.await());
  }

  private static JsonObject okBody(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject created(io.vertx.core.Future<HttpResponse<Buffer>> call) {
    HttpResponse<Buffer> response = call.await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject jwtPayload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  /** Convene's {@code state} in the consent URL it handed out, as Google would send it back. */
  private static String state(String oauthUrl) {
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : URI.create(oauthUrl).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params.get("state");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
