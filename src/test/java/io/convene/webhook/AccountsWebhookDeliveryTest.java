package io.convene.webhook;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changes through the Accounts API reach endpoints registered through the Accounts API, in the one event model. */
@ExtendWith(VertxExtension.class)
class AccountsWebhookDeliveryTest {
  private Receiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private static JsonObject meeting(String name, String start, String end) {
    return new JsonObject()
        .put("name", name).put("start", start).put("end", end)
        .put("calendar", new JsonObject().putNull("connection"))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "chris@example.com")))
        .put("attendees", new JsonArray().add(new JsonObject().put("email", "dana@example.com")));
  }

  @Test
  void anAccountsApiUpdateAndCancelArriveSignedInTheSameEnvelope(Vertx vertx) {
    TestApp app = TestApp.start(vertx, WebhookDeliveryTest.FAST).await();
    JsonObject account = app.createAccount("Acme").await();
    String accountId = account.getString("id");
    TestCalls calls = TestCalls.withKey(app, app.accessToken(account).await());
    receiver = Receiver.start(vertx, Receiver.answering(200));

    HttpResponse<Buffer> registered = calls.post("/v1/accounts/" + accountId + "/webhooks", new JsonObject()
        .put("url", receiver.url())
        .put("eventTypes", new JsonArray().add("meeting.updated").add("meeting.cancelled"))).await();
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    String secret = registered.bodyAsJsonObject().getJsonObject("data").getString("secret");

    String base = "/v1/accounts/" + accountId + "/meetings";
    String id = calls.post(base, meeting("Review", "2025-11-25T22:00:00Z", "2025-11-25T22:30:00Z")).await()
        .bodyAsJsonObject().getJsonObject("data").getString("id");
    assertEquals(200, calls.put(base + "/" + id,
        meeting("Review", "2025-11-26T23:00:00Z", "2025-11-26T23:30:00Z").put("id", id)).await().statusCode());
    assertEquals(200, calls.put(base + "/" + id + "/cancel", null).await().statusCode());

    Receiver.Request first = receiver.await(0);
    Receiver.Request second = receiver.await(1);
    List<JsonObject> envelopes = List.of(first.json(), second.json());
    JsonObject updated = envelopes.stream().filter(e -> e.getString("event_type").equals("meeting.updated")).findFirst().orElseThrow();
    JsonObject cancelled = envelopes.stream().filter(e -> e.getString("event_type").equals("meeting.cancelled")).findFirst().orElseThrow();
    assertEquals(accountId, updated.getString("platform_id"));
    JsonObject changes = updated.getJsonObject("data").getJsonObject("changes");
    assertEquals("2025-11-25T22:00:00Z", changes.getString("old_start_time"));
    assertEquals("2025-11-26T23:00:00Z", changes.getString("new_start_time"));
    assertEquals(2, updated.getJsonObject("data").getInteger("sequence"));
    assertEquals(3, cancelled.getJsonObject("data").getInteger("sequence"));
    assertEquals("cancelled_by_platform", cancelled.getJsonObject("data").getString("reason"));
    assertTrue(SignatureCheck.verifies(secret, first.headers(), first.body()));
    assertTrue(SignatureCheck.verifies(secret, second.headers(), second.body()));
    assertEquals(2, receiver.requests().size(), "meeting.scheduled was not subscribed to");
  }
}
