package io.convene.webhook;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.outbox.Outbox;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Webhooks as a receiver sees them: envelope, signature, retries, timeouts, disabling, the log, replay. */
@ExtendWith(VertxExtension.class)
class WebhookDeliveryTest {
  /** The seed page's example request, verbatim. */
  static final JsonObject SEED_UPDATE = new JsonObject("""
      {
        "start_time": "2025-11-26T15:00:00-08:00",
        "end_time": "2025-11-26T15:30:00-08:00",
        "attendees": ["alice@example.com", "bob@example.com"],
        "reason": "Rescheduled due to conflict"
      }""");
  static final JsonObject SCHEDULE = new JsonObject()
      .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
      .put("start_time", "2025-11-25T14:00:00-08:00")
      .put("duration_minutes", 30)
      .put("title", "Intro call");
  /** Fast retries (the fourth wait is long enough to see a Retry-After honoured), small concurrency bounds. */
  static final Map<String, String> FAST = Map.of(
      "CONVENE_WEBHOOKS_ALLOW_INSECURE", "true",
      "CONVENE_WEBHOOK_RETRY_SCHEDULE", "100ms,100ms,100ms,3s",
      "CONVENE_WEBHOOK_CONCURRENCY", "3",
      "CONVENE_WEBHOOK_ENDPOINT_CONCURRENCY", "2");

  private Vertx vertx;
  private TestApp app;
  private String accountId;
  private TestCalls acme;
  private final List<Receiver> receivers = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    app = TestApp.start(vertx, FAST).await();
    JsonObject account = app.createAccount("Acme").await();
    accountId = account.getString("id");
    acme = TestCalls.withKey(app, account.getString("api_key"));
  }

  @AfterEach
  void stopReceivers() {
    receivers.forEach(Receiver::close);
  }

  private Receiver receiver(Receiver.Script script) {
    Receiver receiver = Receiver.start(vertx, script);
    receivers.add(receiver);
    return receiver;
  }

  private JsonObject configure(JsonObject body) {
    HttpResponse<Buffer> response = acme.put("/v1/platform/webhook", body).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private String schedule() {
    HttpResponse<Buffer> response = acme.post("/v1/schedule", SCHEDULE).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("meeting_id");
  }

  private JsonArray log(String query) {
    HttpResponse<Buffer> response = acme.get("/v1/platform/webhook/logs" + query).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("deliveries");
  }

  /** The newest log entry, once it satisfies {@code done}. */
  private JsonObject newestWhen(Predicate<JsonObject> done) {
    return Eventually.until(vertx, () -> acme.get("/v1/platform/webhook/logs?limit=1").map(r -> {
      JsonArray entries = r.bodyAsJsonObject().getJsonArray("deliveries");
      return entries.isEmpty() ? new JsonObject() : entries.getJsonObject(0);
    }), done);
  }

  private JsonArray attemptLog(String deliveryId) {
    HttpResponse<Buffer> response = acme.get("/v1/platform/webhook/deliveries/" + deliveryId).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonObject("delivery").getJsonArray("attempt_log");
  }

  private String eventId(String meetingId, String type) {
    return app.database.pool(vertx).preparedQuery("SELECT id FROM events WHERE meeting_id = $1 AND type = $2")
        .execute(Tuple.of(meetingId, type)).await().iterator().next().getString("id");
  }

  @Test
  void aChangeArrivesOnceInTheSeedsEnvelopeWithAVerifiableSignature() {
    Receiver receiver = receiver(Receiver.answering(200));
    String secret = configure(new JsonObject().put("url", receiver.url())
        .put("events", new JsonArray().add("meeting.updated"))).getString("secret");
    String meetingId = schedule();
    assertEquals(200, acme.put("/v1/meetings/" + meetingId, SEED_UPDATE).await().statusCode());

    Receiver.Request arrived = receiver.await(0);
    JsonObject envelope = arrived.json();
    String eventId = eventId(meetingId, "meeting.updated");
    assertEquals(Set.of("id", "event_type", "timestamp", "platform_id", "api_version", "data"), envelope.fieldNames());
    assertEquals(eventId, envelope.getString("id"));
    assertEquals(eventId, arrived.webhookId(), "webhook-id is the envelope id");
    assertEquals("meeting.updated", envelope.getString("event_type"));
    assertEquals(accountId, envelope.getString("platform_id"));
    assertEquals("v1", envelope.getString("api_version"));
    assertTrue(envelope.getString("timestamp").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), envelope.encode());
    JsonObject data = envelope.getJsonObject("data").copy();
    assertTrue(((String) data.remove("updated_at")).endsWith("Z"));
    assertEquals(new JsonObject("""
        {
          "meeting_id": "%s",
          "attendees": ["alice@example.com", "bob@example.com"],
          "changes": {
            "updated_by": "%s",
            "reason": "Rescheduled due to conflict",
            "old_start_time": "2025-11-25T14:00:00-08:00",
            "new_start_time": "2025-11-26T15:00:00-08:00",
            "old_end_time": "2025-11-25T14:30:00-08:00",
            "new_end_time": "2025-11-26T15:30:00-08:00"
          },
          "source": "api",
          "sequence": 2
        }""".formatted(meetingId, accountId)), data);
    assertEquals("application/json", arrived.headers().get("Content-Type"));
    assertTrue(SignatureCheck.verifies(secret, arrived.headers(), arrived.body()), arrived.headers().toString());
    assertFalse(SignatureCheck.verifies(WebhookSigner.newSecret(), arrived.headers(), arrived.body()));

    JsonObject entry = newestWhen(e -> "success".equals(e.getString("status")));
    assertEquals(1, receiver.requests().size(), "delivered once; meeting.scheduled was not subscribed to");
    assertEquals(1, log("").size());
    assertEquals("meeting.updated", entry.getString("event"));
    assertEquals(eventId, entry.getString("event_id"));
    assertEquals(200, entry.getInteger("response_code"));
    assertEquals(1, entry.getInteger("attempts"));
    assertEquals(receiver.url(), entry.getString("url"));
    assertNull(entry.getValue("error"));
  }

  /**
   * The event-bus message the store publishes after its commit wakes the worker at once (the NOTIFY for the
   * other instances, sent after it, reaches this worker too; only a poll would be late).
   */
  @Test
  void aCommitInThisProcessWakesTheWorkerAtOnce() {
    Receiver receiver = receiver(Receiver.answering(200));
    configure(new JsonObject().put("url", receiver.url()));
    long before = System.nanoTime();
    schedule();
    long millis = (receiver.await(0).arrivedNanos() - before) / 1_000_000;
    assertTrue(millis < WebhookDeliveryVerticle.POLL_MILLIS / 10, "delivered after " + millis + " ms");
  }

  @Test
  void deliveriesOneAfterAnotherReuseOneConnection() {
    Receiver receiver = receiver(Receiver.answering(200));
    configure(new JsonObject().put("url", receiver.url()));
    for (int i = 0; i < 3; i++) {
      schedule();
      receiver.await(i);
    }
    Set<Integer> ports = new HashSet<>();
    receiver.requests().forEach(r -> ports.add(r.remotePort()));
    assertEquals(1, ports.size(), "one kept-alive connection, not one per delivery: " + ports);
  }

  @Test
  void aReceiverFailingThreeTimesGetsTheSameWebhookIdEachTimeAndTheLogShowsFourAttempts() {
    Receiver receiver = receiver(Receiver.answering(500, 500, 503, 200));
    String secret = configure(new JsonObject().put("url", receiver.url())).getString("secret");
    String meetingId = schedule();

    for (int i = 0; i < 4; i++) {
      Receiver.Request arrived = receiver.await(i);
      assertEquals(eventId(meetingId, "meeting.scheduled"), arrived.webhookId());
      assertEquals(receiver.requests().get(0).body(), arrived.body(), "the same body on every attempt");
      assertTrue(SignatureCheck.verifies(secret, arrived.headers(), arrived.body()));
    }
    JsonObject entry = newestWhen(e -> "success".equals(e.getString("status")));
    assertEquals(4, entry.getInteger("attempts"));
    assertEquals(200, entry.getInteger("response_code"));
    assertNull(entry.getValue("error"));
    JsonArray attempts = attemptLog(entry.getString("id"));
    List<Integer> codes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    attempts.forEach(a -> {
      codes.add(((JsonObject) a).getInteger("response_code"));
      errors.add(((JsonObject) a).getString("error"));
      assertEquals("ok", ((JsonObject) a).getString("response_body"));
    });
    assertEquals(List.of(500, 500, 503, 200), codes);
    assertEquals(java.util.Arrays.asList("HTTP 500", "HTTP 500", "HTTP 503", null), errors);
    assertEquals(4, receiver.requests().size());
  }

  /**
   * Deliveries claimed together and recorded together: the attempts that failed, and only those, are
   * tried again, and each delivery's log shows its own attempts.
   */
  @Test
  void inABatchOnlyTheFailedAttemptsAreRetriedAndEachLogShowsItsOwn() {
    Receiver receiver = receiver((n, request) -> request.response().setStatusCode(n == 1 || n == 3 ? 500 : 200).end("ok"));
    configure(new JsonObject().put("url", receiver.url()));
    long queued = app.database.pool(vertx).preparedQuery("WITH appended AS (INSERT INTO events"
            + " (id, account_id, meeting_id, type, sequence, data, created_at)"
            + " SELECT 'evt_batch' || g, $1, NULL, 'meeting.updated', NULL, jsonb_build_object('n', g), now()"
            + " FROM generate_series(1, 6) g RETURNING id, account_id, type, seq)," + Outbox.FAN_OUT
            + " SELECT count(*) FROM delivered")
        .execute(Tuple.of(accountId)).await().iterator().next().getLong(0);
    assertEquals(6, queued);

    receiver.await(7);
    Eventually.until(vertx, () -> acme.get("/v1/platform/webhook/logs?status=success").map(r ->
        r.bodyAsJsonObject().getJsonArray("deliveries").size()), n -> n == 6);
    Set<String> failedOnce = Set.of(receiver.requests().get(1).webhookId(), receiver.requests().get(3).webhookId());
    assertEquals(2, failedOnce.size());
    Map<String, Integer> sent = new HashMap<>();
    receiver.requests().forEach(r -> sent.merge(r.webhookId(), 1, Integer::sum));
    assertEquals(6, sent.size());
    sent.forEach((id, times) -> assertEquals(failedOnce.contains(id) ? 2 : 1, times, id));

    app.database.pool(vertx).query("SELECT id, event_id FROM webhook_deliveries").execute().await().forEach(row -> {
      List<Integer> codes = new ArrayList<>();
      attemptLog(row.getString("id")).forEach(a -> codes.add(((JsonObject) a).getInteger("response_code")));
      assertEquals(failedOnce.contains(row.getString("event_id")) ? List.of(500, 200) : List.of(200), codes,
          row.getString("event_id"));
    });
  }

  /** A first attempt that succeeds is kept on the delivery's own row; the log shows it all the same. */
  @Test
  void aFirstAttemptThatSucceedsIsLoggedFromTheDeliveryItself() {
    Receiver receiver = receiver(Receiver.answering(200));
    configure(new JsonObject().put("url", receiver.url()));
    schedule();
    receiver.await(0);
    JsonObject entry = newestWhen(e -> "success".equals(e.getString("status")));
    assertEquals(1, entry.getInteger("attempts"));

    JsonArray attempts = attemptLog(entry.getString("id"));
    assertEquals(1, attempts.size(), attempts.encode());
    JsonObject only = attempts.getJsonObject(0);
    assertEquals(Set.of("timestamp", "url", "response_code", "duration_ms", "error", "response_body"), only.fieldNames());
    assertEquals(receiver.url(), only.getString("url"));
    assertEquals(200, only.getInteger("response_code"));
    assertEquals(entry.getInteger("duration_ms"), only.getInteger("duration_ms"));
    assertNull(only.getValue("error"));
    assertNull(only.getValue("response_body"));
    assertTrue(only.getString("timestamp").matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), only.encode());
    assertEquals(0L, app.database.pool(vertx).preparedQuery("SELECT count(*) FROM webhook_attempts WHERE delivery_id = $1")
        .execute(Tuple.of(entry.getString("id"))).await().iterator().next().getLong(0), "no row of its own");
  }

  @Test
  void retriesStopAtMaxRetriesAndTheDeliveryIsFailed() {
    Receiver receiver = receiver(Receiver.answering(500));
    configure(new JsonObject().put("url", receiver.url()).put("max_retries", 2));
    schedule();
    JsonObject entry = newestWhen(e -> "failed".equals(e.getString("status")));
    assertEquals(3, entry.getInteger("attempts"), "the first attempt and two retries");
    assertEquals("HTTP 500", entry.getString("error"));
    assertEquals(3, receiver.requests().size());
    assertEquals(1, log("?status=failed").size());
    assertEquals(0, log("?status=success").size());
  }

  @Test
  void goneDisablesTheEndpoint() {
    Receiver receiver = receiver(Receiver.answering(410));
    configure(new JsonObject().put("url", receiver.url()));
    schedule();
    receiver.await(0);
    JsonObject config = Eventually.until(vertx, () -> acme.get("/v1/platform/webhook").map(HttpResponse::bodyAsJsonObject),
        c -> !c.getBoolean("enabled"));
    assertEquals("gone", config.getString("disabled_reason"));
    JsonObject entry = log("").getJsonObject(0);
    assertEquals("failed", entry.getString("status"));
    assertEquals(1, entry.getInteger("attempts"), "410 is not retried");
    assertEquals(410, entry.getInteger("response_code"));

    schedule();
    assertEquals(1, log("").size(), "a disabled endpoint gets no new deliveries");
    JsonObject enabled = configure(new JsonObject().put("enabled", true));
    assertNull(enabled.getValue("disabled_reason"));
    schedule();
    assertEquals(2, log("").size(), "enabled again, it gets new events");
  }

  @Test
  void fiveDaysWithoutASuccessDisableTheEndpoint() {
    Receiver receiver = receiver(Receiver.answering(500));
    String endpointId = configure(new JsonObject().put("url", receiver.url()).put("max_retries", 0)).getString("id");
    schedule();
    newestWhen(e -> "failed".equals(e.getString("status")));
    assertTrue(acme.get("/v1/platform/webhook").await().bodyAsJsonObject().getBoolean("enabled"), "one failure is not five days");

    app.database.pool(vertx).preparedQuery("UPDATE webhook_endpoints SET failing_since = now() - interval '5 days 1 minute'"
        + " WHERE id = $1").execute(Tuple.of(endpointId)).await();
    schedule();
    receiver.await(1);
    JsonObject config = Eventually.until(vertx, () -> acme.get("/v1/platform/webhook").map(HttpResponse::bodyAsJsonObject),
        c -> !c.getBoolean("enabled"));
    assertEquals("failing", config.getString("disabled_reason"));
  }

  @Test
  void aSuccessEndsTheFailureStreak() {
    Receiver receiver = receiver(Receiver.answering(500, 200));
    String endpointId = configure(new JsonObject().put("url", receiver.url()).put("max_retries", 0)).getString("id");
    schedule();
    newestWhen(e -> "failed".equals(e.getString("status")));
    schedule();
    newestWhen(e -> "success".equals(e.getString("status")));
    assertNull(app.database.pool(vertx).preparedQuery("SELECT failing_since FROM webhook_endpoints WHERE id = $1")
        .execute(Tuple.of(endpointId)).await().iterator().next().getValue(0));
  }

  @Test
  void aReceiverThatHangsIsTimedOut() {
    // The first request is never answered; the retry is.
    Receiver receiver = receiver((n, request) -> {
      if (n > 0) {
        request.response().end();
      }
    });
    configure(new JsonObject().put("url", receiver.url()).put("timeout_seconds", 1));
    schedule();
    receiver.await(1);
    JsonObject entry = newestWhen(e -> "success".equals(e.getString("status")));
    JsonObject first = attemptLog(entry.getString("id")).getJsonObject(0);
    assertEquals("timed out after 1 s", first.getString("error"));
    assertNull(first.getValue("response_code"));
    int duration = first.getInteger("duration_ms");
    assertTrue(duration >= 1000 && duration < 3000, "one timeout: " + duration);
  }

  @Test
  void anEndlessAnswerCostsOneTimeoutAndOnlyItsStartIsKept() {
    Receiver receiver = receiver((n, request) -> {
      if (n > 0) {
        request.response().end();
        return;
      }
      request.response().setChunked(true).setStatusCode(200);
      Buffer chunk = Buffer.buffer("x".repeat(16 * 1024));
      long timer = vertx.setPeriodic(5, t -> request.response().write(chunk));
      request.response().closeHandler(v -> vertx.cancelTimer(timer));
    });
    configure(new JsonObject().put("url", receiver.url()).put("timeout_seconds", 1));
    schedule();
    receiver.await(1);
    JsonObject entry = newestWhen(e -> "success".equals(e.getString("status")));
    JsonObject first = attemptLog(entry.getString("id")).getJsonObject(0);
    assertEquals("timed out after 1 s", first.getString("error"));
    assertEquals("x".repeat(WebhookSender.SNIPPET_BYTES), first.getString("response_body"));
    assertTrue(first.getInteger("duration_ms") < 3000, first.encode());
  }

  @Test
  void redirectsAreNotFollowed() {
    Receiver target = receiver(Receiver.answering(200));
    Receiver redirecting = receiver((n, request) -> request.response().setStatusCode(307)
        .putHeader("Location", target.url()).end());
    configure(new JsonObject().put("url", redirecting.url()).put("max_retries", 0));
    schedule();
    JsonObject entry = newestWhen(e -> "failed".equals(e.getString("status")));
    assertEquals(307, entry.getInteger("response_code"));
    assertTrue(target.requests().isEmpty());
  }

  @Test
  void retryAfterIsHonoured() {
    Receiver receiver = receiver((n, request) -> {
      if (n == 0) {
        request.response().setStatusCode(429).putHeader("Retry-After", "2").end();
      } else {
        request.response().end();
      }
    });
    configure(new JsonObject().put("url", receiver.url()));
    schedule();
    long gapMillis = (receiver.await(1).arrivedNanos() - receiver.await(0).arrivedNanos()) / 1_000_000;
    assertTrue(gapMillis >= 1900, "waited " + gapMillis + " ms, the schedule alone says 100 ms");
  }

  @Test
  void theTestEventAndARedeliveryArriveWithTheSameWebhookId() {
    Receiver receiver = receiver(Receiver.answering(200));
    String secret = configure(new JsonObject().put("url", receiver.url())
        .put("events", new JsonArray().add("meeting.cancelled"))).getString("secret");
    HttpResponse<Buffer> test = acme.post("/v1/platform/webhook/test", null).await();
    assertEquals(202, test.statusCode(), test.bodyAsString());
    JsonObject queued = test.bodyAsJsonObject().getJsonObject("delivery");
    assertEquals("webhook.test", queued.getString("event"));
    assertEquals("pending", queued.getString("status"));

    Receiver.Request arrived = receiver.await(0);
    assertEquals("webhook.test", arrived.json().getString("event_type"));
    assertEquals(new JsonObject().put("message", "This is a test event from Convene."), arrived.json().getJsonObject("data"));
    assertEquals(queued.getString("event_id"), arrived.webhookId());
    assertTrue(SignatureCheck.verifies(secret, arrived.headers(), arrived.body()));
    newestWhen(e -> "success".equals(e.getString("status")));

    HttpResponse<Buffer> again = acme.post("/v1/platform/webhook/deliveries/" + queued.getString("id") + "/redeliver", null)
        .await();
    assertEquals(202, again.statusCode(), again.bodyAsString());
    JsonObject redelivery = again.bodyAsJsonObject().getJsonObject("delivery");
    assertNotEquals(queued.getString("id"), redelivery.getString("id"));
    assertEquals(queued.getString("event_id"), redelivery.getString("event_id"));
    Receiver.Request replayed = receiver.await(1);
    assertEquals(arrived.webhookId(), replayed.webhookId());
    assertEquals(arrived.body(), replayed.body());
    assertTrue(SignatureCheck.verifies(secret, replayed.headers(), replayed.body()));
    newestWhen(e -> redelivery.getString("id").equals(e.getString("id")) && "success".equals(e.getString("status")));
    assertEquals(2, log("?event=webhook.test").size());
  }

  @Test
  void aSecretRotationSignsWithBothSecretsAndThenTheOldOneLapses() {
    Receiver receiver = receiver(Receiver.answering(200));
    String oldSecret = configure(new JsonObject().put("url", receiver.url())).getString("secret");
    JsonObject rotated = configure(new JsonObject().put("rotate_secret", true));
    String newSecret = rotated.getString("secret");
    assertTrue(newSecret.startsWith("whsec_"));
    assertNotEquals(oldSecret, newSecret);
    assertNull(configure(new JsonObject().put("timeout_seconds", 10)).getValue("secret"), "shown once");

    schedule();
    Receiver.Request arrived = receiver.await(0);
    assertEquals(2, arrived.headers().get("webhook-signature").split(" ").length);
    assertTrue(SignatureCheck.verifies(newSecret, arrived.headers(), arrived.body()));
    assertTrue(SignatureCheck.verifies(oldSecret, arrived.headers(), arrived.body()));

    app.database.pool(vertx).query("UPDATE webhook_endpoints SET previous_secret_until = now() - interval '1 second'")
        .execute().await();
    schedule();
    Receiver.Request later = receiver.await(1);
    assertEquals(1, later.headers().get("webhook-signature").split(" ").length);
    assertTrue(SignatureCheck.verifies(newSecret, later.headers(), later.body()));
    assertFalse(SignatureCheck.verifies(oldSecret, later.headers(), later.body()));
  }

  @Test
  void theLogPagesNewestFirstAndFilters() {
    Receiver receiver = receiver(Receiver.answering(200));
    configure(new JsonObject().put("url", receiver.url()));
    List<String> meetings = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      meetings.add(schedule());
    }
    assertEquals(200, acme.delete("/v1/meetings/" + meetings.get(0)).await().statusCode());
    receiver.await(5);
    Eventually.until(vertx, () -> acme.get("/v1/platform/webhook/logs?status=success").map(r ->
        r.bodyAsJsonObject().getJsonArray("deliveries").size()), n -> n == 6);

    List<String> seen = new ArrayList<>();
    String cursor = null;
    List<Integer> sizes = new ArrayList<>();
    do {
      HttpResponse<Buffer> page = acme.get("/v1/platform/webhook/logs?limit=4" + (cursor == null ? "" : "&cursor=" + cursor))
          .await();
      JsonObject body = page.bodyAsJsonObject();
      JsonArray entries = body.getJsonArray("deliveries");
      sizes.add(entries.size());
      entries.forEach(e -> seen.add(((JsonObject) e).getString("id")));
      cursor = body.getJsonObject("pagination").getString("next_cursor");
      assertEquals(cursor != null, body.getJsonObject("pagination").getBoolean("has_more"));
    } while (cursor != null);
    assertEquals(List.of(4, 2), sizes);
    List<String> all = new ArrayList<>();
    log("?limit=200").forEach(e -> all.add(((JsonObject) e).getString("id")));
    assertEquals(all, seen, "pages are the whole log, in order, without repeats");
    assertEquals("meeting.cancelled", log("").getJsonObject(0).getString("event"), "newest first");
    assertEquals(1, log("?event=meeting.cancelled").size());
    assertEquals(5, log("?event=meeting.scheduled").size());
    assertEquals(0, log("?status=failed").size());

    TestCalls globex = TestCalls.withKey(app, app.createAccount("Globex").await().getString("api_key"));
    assertEquals(new JsonArray(), globex.get("/v1/platform/webhook/logs").await().bodyAsJsonObject().getJsonArray("deliveries"));
    TestCalls.assertError(globex.get("/v1/platform/webhook/deliveries/" + all.get(0)).await(), 404, "delivery_not_found",
        "delivery " + all.get(0) + " not found", null);
    TestCalls.assertError(globex.post("/v1/platform/webhook/deliveries/" + all.get(0) + "/redeliver", null).await(), 404,
        "delivery_not_found", "delivery " + all.get(0) + " not found", null);
    TestCalls.assertError(acme.get("/v1/platform/webhook/logs?cursor=nope").await(), 400, "invalid_cursor",
        "cursor is not one this API returned", "cursor");
    TestCalls.assertError(acme.get("/v1/platform/webhook/logs?limit=201").await(), 400, "invalid_field",
        "limit must be a whole number from 1 to 200", "limit");
    TestCalls.assertError(acme.get("/v1/platform/webhook/logs?status=done").await(), 400, "invalid_field",
        "status must be success, failed or pending", "status");
  }

  @Test
  void deliveriesPerEndpointAndInAllStayWithinTheirBounds() {
    // Every request is held a while, so that a backlog builds while the first ones are open.
    Receiver receiver = receiver((n, request) -> vertx.setTimer(400, t -> request.response().end()));
    configure(new JsonObject().put("url", receiver.url("/a")).put("events", new JsonArray().add("meeting.scheduled")));
    for (int i = 0; i < 5; i++) {
      schedule();
    }
    receiver.await(4);
    assertEquals(2, receiver.mostOpen("/a"), "one endpoint: at most webhook_endpoint_concurrency at once");

    HttpResponse<Buffer> second = acme.post("/v1/accounts/" + accountId + "/webhooks", new JsonObject()
        .put("url", receiver.url("/b")).put("eventTypes", new JsonArray().add("meeting.scheduled"))).await();
    assertEquals(201, second.statusCode(), second.bodyAsString());
    for (int i = 0; i < 5; i++) {
      schedule();
    }
    receiver.await(14);
    assertEquals(3, receiver.mostOpen(), "two endpoints: at most webhook_concurrency at once");
    assertTrue(receiver.mostOpen("/b") <= 2);
  }
}
