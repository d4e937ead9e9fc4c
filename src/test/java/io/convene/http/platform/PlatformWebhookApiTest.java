package io.convene.http.platform;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook configuration of the Platform API (contracts.md §2 and §4), without the override for private targets. */
@ExtendWith(VertxExtension.class)
class PlatformWebhookApiTest {
  static final JsonArray ALL_EVENTS = new JsonArray().add("meeting.scheduled").add("meeting.updated")
      .add("meeting.cancelled").add("user.calendar.connected").add("user.calendar.disconnected")
      .add("meeting.calendar_sync_failed").add("user.preferences.updated");
  /** Public by its address (TEST-NET addresses are not), and nothing ever listens: no delivery here needs to land. */
  static final String PUBLIC_URL = "https://1.1.1.1:9/hooks";

  private TestApp app;
  private TestCalls acme;
  private TestCalls globex;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx, Map.of("CONVENE_WORKERS", "api")).await();
    acme = TestCalls.withKey(app, app.createAccount("Acme").await().getString("api_key"));
    globex = TestCalls.withKey(app, app.createAccount("Globex").await().getString("api_key"));
  }

  private HttpResponse<Buffer> put(JsonObject body) {
    return acme.put("/v1/platform/webhook", body).await();
  }

  @Test
  void theFirstPutCreatesTheEndpointWithDefaultsAndShowsItsSecretOnce() {
    assertError(acme.get("/v1/platform/webhook").await(), 404, "webhook_not_configured",
        "no webhook is set up; PUT /v1/platform/webhook first", null);
    HttpResponse<Buffer> created = put(new JsonObject().put("url", PUBLIC_URL));
    assertEquals(200, created.statusCode(), created.bodyAsString());
    JsonObject body = created.bodyAsJsonObject();
    String secret = (String) body.remove("secret");
    assertTrue(secret.matches("whsec_[A-Za-z0-9+/]{43}="), secret);
    String id = body.getString("id");
    assertTrue(id.startsWith("whk_"));
    assertEquals(new JsonObject().put("success", true).put("id", id).put("url", PUBLIC_URL).put("enabled", true)
        .put("events", ALL_EVENTS).put("max_retries", 7).put("timeout_seconds", 15).put("disabled_reason", null), body);

    JsonObject changed = put(new JsonObject().put("events", new JsonArray().add("meeting.updated").add("meeting.updated"))
        .put("max_retries", 3).put("timeout_seconds", 30).put("enabled", false)).bodyAsJsonObject();
    assertEquals(new JsonObject().put("success", true).put("id", id).put("url", PUBLIC_URL).put("enabled", false)
        .put("events", new JsonArray().add("meeting.updated")).put("max_retries", 3).put("timeout_seconds", 30)
        .put("disabled_reason", null), changed, "omitted fields keep their value; no secret unless issued");
    assertEquals(changed, acme.get("/v1/platform/webhook").await().bodyAsJsonObject());

    String rotated = put(new JsonObject().put("rotate_secret", true)).bodyAsJsonObject().getString("secret");
    assertTrue(rotated.startsWith("whsec_"));
    assertNotEquals(secret, rotated);
    assertError(globex.get("/v1/platform/webhook").await(), 404, "webhook_not_configured",
        "no webhook is set up; PUT /v1/platform/webhook first", null);
  }

  /** meeting.rescheduled is sent only to endpoints that name it, as its own delivery beside meeting.updated. */
  @Test
  void meetingRescheduledIsDeliveredOnlyWhenAskedForByName() {
    assertEquals(200, put(new JsonObject().put("url", PUBLIC_URL)).statusCode());
    String id = acme.post("/v1/schedule", PlatformApiTest.SCHEDULE).await().bodyAsJsonObject().getString("meeting_id");
    assertEquals(200, acme.put("/v1/meetings/" + id, PlatformApiTest.SEED_UPDATE).await().statusCode());
    assertEquals(List.of("meeting.scheduled", "meeting.updated"), deliveredTypes(id), "not in the default subscription");
    assertEquals(200, put(new JsonObject().put("events", new JsonArray().add("meeting.updated").add("meeting.rescheduled")))
        .statusCode());
    assertEquals(200, acme.put("/v1/meetings/" + id, PlatformApiTest.SEED_UPDATE.copy()
        .put("start_time", "2025-11-27T15:00:00-08:00").put("end_time", "2025-11-27T15:30:00-08:00")).await().statusCode());
    assertEquals(List.of("meeting.scheduled", "meeting.updated", "meeting.updated", "meeting.rescheduled"), deliveredTypes(id));
  }

  private List<String> deliveredTypes(String meetingId) {
    List<String> types = new java.util.ArrayList<>();
    app.database.pool(app.vertx).preparedQuery("SELECT e.type FROM webhook_deliveries d JOIN events e ON e.id = d.event_id"
        + " WHERE e.meeting_id = $1 ORDER BY d.seq").execute(io.vertx.sqlclient.Tuple.of(meetingId)).await()
        .forEach(row -> types.add(row.getString("type")));
    return types;
  }

  @Test
  void badInputIsA400NamingTheField() {
    assertError(put(new JsonObject().put("enabled", true)), 400, "invalid_field", "url is required to set up the webhook",
        "url");
    assertError(put(new JsonObject().put("url", "not a url")), 400, "invalid_url",
        "url is not a valid URL", "url");
    assertError(put(new JsonObject().put("url", "/relative/hooks")), 400, "invalid_url",
        "url must be an absolute URL with a host, like https://example.com/hooks", "url");
    assertError(put(new JsonObject().put("url", 42)), 400, "invalid_url", "url must be a URL string", "url");
    assertError(put(new JsonObject().put("url", "ftp://files.example.com/x")), 400, "unsupported_scheme",
        "url must use https://", "url");
    assertError(put(new JsonObject().put("url", "http://1.1.1.1/hooks")), 400, "unsupported_scheme",
        "url must use https:// (http:// is allowed only with CONVENE_WEBHOOKS_ALLOW_INSECURE=true)", "url");
    assertError(put(new JsonObject().put("url", "https://user:pw@1.1.1.1/hooks")), 400, "invalid_url",
        "url must not carry credentials", "url");
    assertError(put(new JsonObject().put("url", PUBLIC_URL).put("events", new JsonArray().add("meeting.deleted"))), 400,
        "unknown_event_type", "events holds 'meeting.deleted'; known event types: meeting.scheduled, meeting.updated,"
            + " meeting.cancelled, user.calendar.connected, user.calendar.disconnected, meeting.calendar_sync_failed,"
            + " user.preferences.updated, meeting.rescheduled", "events");
    assertError(put(new JsonObject().put("url", PUBLIC_URL).put("events", new JsonArray().add("webhook.test"))), 400,
        "unknown_event_type", "events holds 'webhook.test'; known event types: meeting.scheduled, meeting.updated,"
            + " meeting.cancelled, user.calendar.connected, user.calendar.disconnected, meeting.calendar_sync_failed,"
            + " user.preferences.updated, meeting.rescheduled", "events");
    assertError(put(new JsonObject().put("url", PUBLIC_URL).put("events", new JsonArray())), 400, "invalid_field",
        "events must list at least one event type", "events");
    assertError(put(new JsonObject().put("url", PUBLIC_URL).put("timeout_seconds", 31)), 400, "invalid_field",
        "timeout_seconds must be a whole number from 1 to 30", "timeout_seconds");
    assertError(put(new JsonObject().put("url", PUBLIC_URL).put("timeout_seconds", 0)), 400, "invalid_field",
        "timeout_seconds must be a whole number from 1 to 30", "timeout_seconds");
    assertError(put(new JsonObject().put("url", PUBLIC_URL).put("max_retries", -1)), 400, "invalid_field",
        "max_retries must be a whole number from 0 to 20", "max_retries");
    assertError(put(new JsonObject().put("url", PUBLIC_URL).put("max_retries", 21)), 400, "invalid_field",
        "max_retries must be a whole number from 0 to 20", "max_retries");
    assertError(put(new JsonObject().put("url", PUBLIC_URL).put("enabled", "yes")), 400, "invalid_field",
        "enabled must be true or false", "enabled");
    assertError(acme.get("/v1/platform/webhook").await(), 404, "webhook_not_configured",
        "no webhook is set up; PUT /v1/platform/webhook first", null);
  }

  @Test
  void privateAndLoopbackTargetsAreRefusedWithoutTheOverride() {
    for (String url : new String[] {"https://127.0.0.1:8443/hooks", "https://localhost/hooks", "https://10.1.2.3/hooks",
        "https://192.168.0.10/hooks", "https://169.254.169.254/latest", "https://[::1]/hooks", "https://0.0.0.0/hooks"}) {
      HttpResponse<Buffer> response = put(new JsonObject().put("url", url));
      assertEquals(400, response.statusCode(), url + " " + response.bodyAsString());
      JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
      assertEquals("private_target", error.getString("code"), url);
      assertEquals("url", error.getString("field"));
      assertTrue(error.getString("message").startsWith("url must reach a public address, but "), error.getString("message"));
    }
    assertError(acme.put("/v1/platform/settings", new JsonObject().put("webhook_url", "https://127.0.0.1/hooks")).await(),
        400, "private_target", "webhook_url must reach a public address, but 127.0.0.1 is 127.0.0.1 (private, loopback or"
            + " reserved targets are allowed only with CONVENE_WEBHOOKS_ALLOW_INSECURE=true)", "webhook_url");
  }

  @Test
  void settingsWebhookUrlIsThePrimaryEndpointsUrl() {
    JsonObject set = acme.put("/v1/platform/settings", new JsonObject().put("webhook_url", PUBLIC_URL)).await()
        .bodyAsJsonObject();
    assertTrue(((String) set.remove("webhook_secret")).startsWith("whsec_"), "created here, so its secret shows here once");
    assertEquals(PUBLIC_URL, set.getString("webhook_url"));
    JsonObject primary = acme.get("/v1/platform/webhook").await().bodyAsJsonObject();
    assertEquals(PUBLIC_URL, primary.getString("url"));
    assertNull(primary.getValue("secret"));

    String moved = "https://1.0.0.1/other";
    assertEquals(moved, put(new JsonObject().put("url", moved)).bodyAsJsonObject().getString("url"));
    assertEquals(new JsonObject().put("success", true).put("redirect_uris", new JsonArray()).put("webhook_url", moved)
            .put("booking_page_url", null),
        acme.get("/v1/platform/settings").await().bodyAsJsonObject());
    JsonObject again = acme.put("/v1/platform/settings", new JsonObject().put("webhook_url", PUBLIC_URL)).await()
        .bodyAsJsonObject();
    assertFalse(again.containsKey("webhook_secret"), "moving the endpoint keeps its secret");
    assertEquals(primary.getString("id"), acme.get("/v1/platform/webhook").await().bodyAsJsonObject().getString("id"));

    assertNull(acme.put("/v1/platform/settings", new JsonObject().put("webhook_url", null)).await().bodyAsJsonObject()
        .getValue("webhook_url"));
    assertEquals(404, acme.get("/v1/platform/webhook").await().statusCode(), "clearing webhook_url removes the endpoint");
  }

  @Test
  void testAndRedeliveryNeedAWebhook() {
    assertError(acme.post("/v1/platform/webhook/test", null).await(), 404, "webhook_not_configured",
        "no webhook is set up; PUT /v1/platform/webhook first", null);
    assertError(acme.post("/v1/platform/webhook/deliveries/dlv_nope/redeliver", null).await(), 404, "delivery_not_found",
        "delivery dlv_nope not found", null);
    put(new JsonObject().put("url", PUBLIC_URL).put("enabled", false));
    assertError(acme.post("/v1/platform/webhook/test", null).await(), 409, "webhook_disabled",
        "the webhook endpoint is disabled; enable it first", null);
  }

  @Test
  void disablingFailsWhatIsPendingAndRedeliveryOfItNeedsTheEndpointEnabled() {
    put(new JsonObject().put("url", PUBLIC_URL));
    HttpResponse<Buffer> test = acme.post("/v1/platform/webhook/test", null).await();
    assertEquals(202, test.statusCode(), test.bodyAsString());
    String deliveryId = test.bodyAsJsonObject().getJsonObject("delivery").getString("id");
    assertError(acme.post("/v1/platform/webhook/deliveries/" + deliveryId + "/redeliver", null).await(), 409,
        "delivery_pending", "delivery " + deliveryId + " is still being attempted", null);

    put(new JsonObject().put("enabled", false));
    JsonObject entry = acme.get("/v1/platform/webhook/logs").await().bodyAsJsonObject().getJsonArray("deliveries")
        .getJsonObject(0);
    assertEquals("failed", entry.getString("status"));
    assertEquals("endpoint disabled", entry.getString("error"));
    assertError(acme.post("/v1/platform/webhook/deliveries/" + deliveryId + "/redeliver", null).await(), 409,
        "webhook_disabled", "the webhook endpoint is disabled; enable it first", null);
    put(new JsonObject().put("enabled", true));
    assertEquals(202, acme.post("/v1/platform/webhook/deliveries/" + deliveryId + "/redeliver", null).await().statusCode());
  }
}
