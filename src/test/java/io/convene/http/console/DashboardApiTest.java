package io.convene.http.console;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.webhook.Receiver;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code GET /v1/platform/dashboard}, and the console's pages and their headers. */
@ExtendWith(VertxExtension.class)
class DashboardApiTest {
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
      + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private Vertx vertx;
  private TestApp app;
  private String accountId;
  private String apiKey;
  private JsonObject account;
  private TestCalls acme;
  private final List<Receiver> receivers = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    app = TestApp.start(vertx, Map.of("CONVENE_WEBHOOKS_ALLOW_INSECURE", "true")).await();
    account = app.createAccount("Acme").await();
    accountId = account.getString("id");
    apiKey = account.getString("api_key");
    acme = TestCalls.withKey(app, apiKey);
  }

  @AfterEach
  void stopReceivers() {
    receivers.forEach(Receiver::close);
  }

  private String schedule(TestCalls calls, String start) {
    HttpResponse<Buffer> response = calls.post("/v1/schedule", new JsonObject()
        .put("attendees", new JsonArray().add("alice@example.com"))
        .put("start_time", start).put("duration_minutes", 30).put("title", "Intro call")).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("meeting_id");
  }

  private JsonObject dashboard(TestCalls calls) {
    HttpResponse<Buffer> response = calls.get("/v1/platform/dashboard").await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static String masked(String key) {
    return "sk_live_" + key.substring(8, 11) + "..." + key.substring(key.length() - 3);
  }

  @Test
  void aNewPlatformSeesZerosNoQuotaAndItsMaskedKey() {
    assertEquals(new JsonObject()
        .put("success", true)
        .put("platform", new JsonObject().put("id", accountId).put("name", "Acme").put("plan", "self-hosted"))
        .put("usage", new JsonObject().put("this_month", 0).putNull("limit").putNull("remaining").put("can_schedule", true))
        .put("connected_users", 0)
        .put("stats", new JsonObject()
            .put("total_meetings_scheduled", 0).put("meetings_this_month", 0).put("meetings_last_month", 0)
            .putNull("average_acceptance_time_hours").put("reschedule_rate", 0.0).put("cancellation_rate", 0.0)
            .put("meetings_by_status", new JsonObject().put("scheduled", 0).put("cancelled", 0))
            .put("webhook_deliveries_24h", new JsonObject().put("success", 0).put("failed", 0).put("pending", 0)))
        .put("api_key_masked", masked(apiKey)), dashboard(acme));
  }

  @Test
  void countsMeetingsByMonthAndStatusCalendarsAndTheDaysDeliveriesOfThisPlatformOnly() {
    Receiver ok = Receiver.ok(vertx);
    Receiver failing = Receiver.start(vertx, Receiver.answering(500));
    receivers.add(ok);
    receivers.add(failing);
    assertEquals(200, acme.put("/v1/platform/webhook", new JsonObject().put("url", ok.url())
        .put("events", new JsonArray().add("meeting.scheduled").add("meeting.cancelled"))).await().statusCode());
    String moved = schedule(acme, "2030-01-10T10:00:00+01:00");
    String cancelled = schedule(acme, "2030-01-11T10:00:00+01:00");
    String kept = schedule(acme, "2030-01-12T10:00:00+01:00");
    String old = schedule(acme, "2030-01-13T10:00:00+01:00");
    waitForDeliveries("success", 4);
    assertEquals(200, acme.put("/v1/platform/webhook", new JsonObject().put("url", failing.url()).put("max_retries", 0))
        .await().statusCode());
    assertEquals(200, acme.put("/v1/meetings/" + moved, new JsonObject()
        .put("start_time", "2030-01-10T11:00:00+01:00").put("end_time", "2030-01-10T11:30:00+01:00")).await().statusCode());
    // Same times in another offset: a change, but not a move.
    assertEquals(200, acme.put("/v1/meetings/" + kept, new JsonObject()
        .put("start_time", "2030-01-12T09:00:00Z").put("end_time", "2030-01-12T09:30:00Z")).await().statusCode());
    assertEquals(200, acme.delete("/v1/meetings/" + cancelled).await().statusCode());
    waitForDeliveries("failed", 1);
    sql("UPDATE meetings SET created_at = date_trunc('month', now()) - interval '1 day' WHERE id = $1", old);
    // A delivery older than a day no longer counts.
    sql("UPDATE webhook_deliveries SET created_at = now() - interval '25 hours'"
        + " WHERE id = (SELECT id FROM webhook_deliveries WHERE account_id = $1 ORDER BY seq LIMIT 1)", accountId);
    assertEquals(201, app.client.post("/admin/v1/accounts/" + accountId + "/calendar-connections")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("user_email", "alice@example.com").put("refresh_token", "1//refresh"))
        .await().statusCode());
    JsonObject other = app.createAccount("Globex").await();
    schedule(TestCalls.withKey(app, other.getString("api_key")), "2030-01-10T10:00:00Z");

    JsonObject body = dashboard(TestCalls.withHeaders(app, MultiMap.caseInsensitiveMultiMap().add("X-API-Key", apiKey)));
    assertEquals(new JsonObject().put("this_month", 3).putNull("limit").putNull("remaining").put("can_schedule", true),
        body.getJsonObject("usage"));
    assertEquals(1, body.getInteger("connected_users"));
    assertEquals(new JsonObject()
        .put("total_meetings_scheduled", 4).put("meetings_this_month", 3).put("meetings_last_month", 1)
        .putNull("average_acceptance_time_hours").put("reschedule_rate", 0.33).put("cancellation_rate", 0.33)
        .put("meetings_by_status", new JsonObject().put("scheduled", 2).put("cancelled", 1))
        .put("webhook_deliveries_24h", new JsonObject().put("success", 3).put("failed", 1).put("pending", 0)),
        body.getJsonObject("stats"));
    assertEquals(masked(apiKey), body.getString("api_key_masked"));
  }

  @Test
  void withAnAccessTokenNoKeyIsMasked() {
    String token = app.accessToken(account).await();
    JsonObject body = dashboard(TestCalls.withKey(app, token));
    assertEquals(accountId, body.getJsonObject("platform").getString("id"));
    assertNull(body.getString("api_key_masked"));
    assertEquals(true, body.containsKey("api_key_masked"));
  }

  @Test
  void withoutAKeyTheDashboardIsRefused() {
    TestCalls.assertError(TestCalls.withHeaders(app, MultiMap.caseInsensitiveMultiMap())
            .get("/v1/platform/dashboard").await(), 401, "missing_api_key",
        "send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", null);
  }

  @Test
  void theConsoleIsServedWithItsPolicyAndTheApiIsNot() {
    HttpResponse<Buffer> redirect = app.client.get("/console").followRedirects(false).send().await();
    assertEquals(302, redirect.statusCode());
    assertEquals("/console/", redirect.getHeader("Location"));
    HttpResponse<Buffer> page = app.client.get("/console/").send().await();
    assertEquals(200, page.statusCode());
    assertEquals("text/html;charset=UTF-8", page.getHeader("Content-Type"));
    assertEquals(CSP, page.getHeader("Content-Security-Policy"));
    assertEquals("DENY", page.getHeader("X-Frame-Options"));
    assertEquals("nosniff", page.getHeader("X-Content-Type-Options"));
    assertEquals("no-referrer", page.getHeader("Referrer-Policy"));
    assertEquals("no-cache", page.getHeader("Cache-Control"));
    // No inline script or style anywhere: the policy would refuse it.
    assertEquals(-1, page.bodyAsString().indexOf("<script>"));
    assertEquals(-1, page.bodyAsString().indexOf("style="));
    HttpResponse<Buffer> script = app.client.get("/console/js/app.js").send().await();
    assertEquals(200, script.statusCode());
    assertEquals(CSP, script.getHeader("Content-Security-Policy"));

    HttpResponse<Buffer> api = acme.get("/v1/meetings").await();
    assertEquals(200, api.statusCode());
    assertNull(api.getHeader("Content-Security-Policy"));
    assertNull(api.getHeader("X-Frame-Options"));
    TestCalls.assertError(app.client.get("/console/missing.js").send().await(), 404, "not_found",
        "no route for GET /console/missing.js", null);
  }

  private void waitForDeliveries(String status, int count) {
    Eventually.until(vertx, () -> acme.get("/v1/platform/webhook/logs?status=" + status)
        .map(r -> r.bodyAsJsonObject().getJsonArray("deliveries").size()), n -> n == count);
  }

  private void sql(String statement, String parameter) {
    app.database.pool(vertx).preparedQuery(statement).execute(Tuple.of(parameter)).await();
  }
}
