package io.convene.http.accounts;

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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Accounts API's webhooks (Sakari's dialect, contracts.md §3). */
@ExtendWith(VertxExtension.class)
class AccountWebhookApiTest {
  static final String URL = "https://1.1.1.1:9/hooks";

  private TestApp app;
  private String accountId;
  private String otherAccountId;
  private TestCalls acme;
  private TestCalls globex;

  @BeforeEach
  void start(Vertx vertx) {
    // No delivery worker: nothing here is sent anywhere.
    app = TestApp.start(vertx, Map.of("CONVENE_WORKERS", "api")).await();
    JsonObject account = app.createAccount("Acme").await();
    accountId = account.getString("id");
    acme = TestCalls.withKey(app, account.getString("api_key"));
    JsonObject other = app.createAccount("Globex").await();
    otherAccountId = other.getString("id");
    globex = TestCalls.withKey(app, other.getString("api_key"));
  }

  private String path() {
    return "/v1/accounts/" + accountId + "/webhooks";
  }

  private JsonObject create(JsonObject body) {
    HttpResponse<Buffer> response = acme.post(path(), body).await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  void createListAndDelete() {
    JsonObject created = create(new JsonObject().put("url", URL).put("eventTypes", new JsonArray().add("meeting.updated")));
    JsonObject data = created.getJsonObject("data");
    String secret = (String) data.remove("secret");
    assertTrue(secret.startsWith("whsec_"), "shown once, on creation");
    String id = data.getString("id");
    assertEquals(new JsonObject().put("success", true).put("data", new JsonObject().put("id", id).put("type", "url")
        .put("eventTypes", new JsonArray().add("meeting.updated")).put("destination", URL)), created);
    JsonObject all = create(new JsonObject().put("url", "https://1.0.0.1/hooks")).getJsonObject("data");
    assertEquals(7, all.getJsonArray("eventTypes").size(), "no eventTypes: every event type");
    assertEquals(200, acme.put("/v1/platform/webhook", new JsonObject().put("url", "https://8.8.8.8/primary")).await()
        .statusCode());

    List<String> ids = new ArrayList<>();
    JsonObject first = acme.get(path() + "?limit=2").await().bodyAsJsonObject();
    first.getJsonArray("data").forEach(w -> ids.add(((JsonObject) w).getString("id")));
    assertEquals(new JsonObject().put("limit", 2).put("offset", 0).put("hasNext", true), first.getJsonObject("pagination"));
    JsonObject second = acme.get(path() + "?limit=2&offset=2").await().bodyAsJsonObject();
    second.getJsonArray("data").forEach(w -> ids.add(((JsonObject) w).getString("id")));
    assertEquals(new JsonObject().put("limit", 2).put("offset", 2).put("hasNext", false), second.getJsonObject("pagination"));
    assertEquals(3, ids.size(), "the Platform API's primary endpoint is one of the account's webhooks");
    assertEquals(List.of(id, all.getString("id")), ids.subList(0, 2));
    assertEquals("https://8.8.8.8/primary", second.getJsonArray("data").getJsonObject(0).getString("destination"));

    HttpResponse<Buffer> deleted = acme.delete(path() + "/" + id).await();
    assertEquals(200, deleted.statusCode(), deleted.bodyAsString());
    assertEquals(data, deleted.bodyAsJsonObject().getJsonObject("data"));
    assertError(acme.delete(path() + "/" + id).await(), 404, "webhook_not_found", "webhook " + id + " not found", null);
    assertEquals(2, acme.get(path()).await().bodyAsJsonObject().getJsonArray("data").size());
  }

  @Test
  void anotherAccountsPathIsForbiddenAndItsWebhooksUnknown() {
    String id = create(new JsonObject().put("url", URL)).getJsonObject("data").getString("id");
    String message = "this credential may not act on account " + accountId;
    assertError(globex.get(path()).await(), 403, "account_forbidden", message, null);
    assertError(globex.post(path(), new JsonObject().put("url", URL)).await(), 403, "account_forbidden", message, null);
    assertError(globex.delete(path() + "/" + id).await(), 403, "account_forbidden", message, null);
    String own = "/v1/accounts/" + otherAccountId + "/webhooks/" + id;
    assertError(globex.delete(own).await(), 404, "webhook_not_found", "webhook " + id + " not found", null);
    assertEquals(1, acme.get(path()).await().bodyAsJsonObject().getJsonArray("data").size());
  }

  @Test
  void badInputIsA400NamingTheField() {
    assertError(acme.post(path(), new JsonObject()).await(), 400, "invalid_field", "url is required", "url");
    assertError(acme.post(path(), new JsonObject().put("url", "http://1.1.1.1/x")).await(), 400, "unsupported_scheme",
        "url must use https:// (http:// is allowed only with CONVENE_WEBHOOKS_ALLOW_INSECURE=true)", "url");
    assertError(acme.post(path(), new JsonObject().put("url", "https://10.0.0.7/x")).await(), 400, "private_target",
        "url must reach a public address, but 10.0.0.7 is 10.0.0.7 (private, loopback or reserved targets are allowed"
            + " only with CONVENE_WEBHOOKS_ALLOW_INSECURE=true)", "url");
    assertError(acme.post(path(), new JsonObject().put("url", URL).put("eventTypes", new JsonArray().add("message-received")))
        .await(), 400, "unknown_event_type", "eventTypes holds 'message-received'; known event types: meeting.scheduled,"
            + " meeting.updated, meeting.cancelled, user.calendar.connected, user.calendar.disconnected, meeting.calendar_sync_failed,"
            + " user.preferences.updated, meeting.rescheduled", "eventTypes");
    assertError(acme.get(path() + "?limit=101").await(), 400, "invalid_field", "limit must be a whole number from 1 to 100",
        "limit");
    assertError(acme.get(path() + "?offset=-1").await(), 400, "invalid_field",
        "offset must be a whole number from 0 to " + (Integer.MAX_VALUE - 100), "offset");
  }
}
