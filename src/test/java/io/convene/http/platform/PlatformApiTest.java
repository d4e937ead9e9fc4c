package io.convene.http.platform;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Platform API (Syncline dialect) against the seed page and contracts.md §2 and §6. */
@ExtendWith(VertxExtension.class)
class PlatformApiTest {
  static final JsonObject SCHEDULE = new JsonObject()
      .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
      .put("start_time", "2025-11-25T14:00:00-08:00")
      .put("duration_minutes", 30)
      .put("title", "Intro call");
  /** The seed page's example request, verbatim. */
  static final JsonObject SEED_UPDATE = new JsonObject("""
      {
        "start_time": "2025-11-26T15:00:00-08:00",
        "end_time": "2025-11-26T15:30:00-08:00",
        "attendees": ["alice@example.com", "bob@example.com"],
        "reason": "Rescheduled due to conflict"
      }""");

  private TestApp app;
  private JsonObject acmeAccount;
  private TestCalls acme;
  private TestCalls globex;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx).await();
    acmeAccount = app.createAccount("Acme").await();
    acme = TestCalls.withKey(app, acmeAccount.getString("api_key"));
    globex = TestCalls.withKey(app, app.createAccount("Globex").await().getString("api_key"));
  }

  private String schedule() {
    HttpResponse<Buffer> response = acme.post("/v1/schedule", SCHEDULE).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("meeting_id");
  }

  @Test
  void scheduleAnswersTheMeeting() {
    HttpResponse<Buffer> response = acme.post("/v1/schedule", SCHEDULE).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    String id = body.getString("meeting_id");
    assertTrue(id.startsWith("meet_"));
    assertEquals(new JsonObject()
        .put("success", true)
        .put("meeting_id", id)
        .put("start_time", "2025-11-25T14:00:00-08:00")
        .put("end_time", "2025-11-25T14:30:00-08:00")
        .put("title", "Intro call")
        .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
        .put("location", "Google Meet")
        .put("meet_link", null), body);
    assertEquals("\"" + id + ".1\"", response.getHeader("ETag"));
    assertEquals("meeting.scheduled", app.events(id).get(0).getString("type"));
  }

  @Test
  void theSeedsRequestGetsTheSeedsResponse() {
    String id = schedule();
    HttpResponse<Buffer> response = acme.put("/v1/meetings/" + id, SEED_UPDATE).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonObject("""
        {
          "success": true,
          "meeting_id": "%s",
          "start_time": "2025-11-26T15:00:00-08:00",
          "end_time": "2025-11-26T15:30:00-08:00",
          "attendees": ["alice@example.com", "bob@example.com"],
          "status": "updated"
        }""".formatted(id)), response.bodyAsJsonObject());
    assertEquals("\"" + id + ".2\"", response.getHeader("ETag"));

    Row event = app.events(id).get(1);
    assertEquals("meeting.updated", event.getString("type"));
    JsonObject data = (JsonObject) event.getValue("data");
    assertEquals(new JsonObject()
        .put("updated_by", acmeAccount.getString("id"))
        .put("reason", "Rescheduled due to conflict")
        .put("old_start_time", "2025-11-25T14:00:00-08:00")
        .put("new_start_time", "2025-11-26T15:00:00-08:00")
        .put("old_end_time", "2025-11-25T14:30:00-08:00")
        .put("new_end_time", "2025-11-26T15:30:00-08:00"), data.getJsonObject("changes"));
    assertEquals(2, data.getInteger("sequence"));
  }

  @Test
  void timesAreEchoedInTheOffsetSentAndOmittedAttendeesAreKept() {
    String id = schedule();
    JsonObject body = new JsonObject().put("start_time", "2025-11-27T09:00:00+05:30").put("end_time", "2025-11-27T09:45:00+05:30");
    JsonObject answer = acme.put("/v1/meetings/" + id, body).await().bodyAsJsonObject();
    assertEquals("2025-11-27T09:00:00+05:30", answer.getString("start_time"));
    assertEquals("2025-11-27T09:45:00+05:30", answer.getString("end_time"));
    assertEquals(new JsonArray().add("alice@example.com").add("bob@example.com"), answer.getJsonArray("attendees"));
    JsonObject changes = ((JsonObject) app.events(id).get(1).getValue("data")).getJsonObject("changes");
    assertEquals("meeting_rescheduled", changes.getString("reason"), "the default reason");
    assertEquals("2025-11-25T14:00:00-08:00", changes.getString("old_start_time"));
    assertEquals("2025-11-27T09:00:00+05:30", changes.getString("new_start_time"));
  }

  @Test
  void bothKeyHeadersWork() {
    String id = schedule();
    TestCalls xApiKey = TestCalls.withHeaders(app,
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("X-API-Key", acmeAccount.getString("api_key")));
    assertEquals(200, xApiKey.put("/v1/meetings/" + id, SEED_UPDATE).await().statusCode());
    assertEquals(200, acme.put("/v1/meetings/" + id, SEED_UPDATE).await().statusCode());
  }

  @Test
  void missingUnknownAndRevokedKeysAreUnauthorized() {
    String id = schedule();
    TestCalls none = TestCalls.withHeaders(app, io.vertx.core.MultiMap.caseInsensitiveMultiMap());
    assertError(none.put("/v1/meetings/" + id, SEED_UPDATE).await(), 401, "missing_api_key",
        "send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", null);
    assertError(TestCalls.withKey(app, "sk_live_nope").put("/v1/meetings/" + id, SEED_UPDATE).await(), 401,
        "invalid_api_key", "the API key is not valid", null);
    String forged = acmeAccount.getString("api_key").substring(0, 20) + "x".repeat(32);
    assertError(TestCalls.withKey(app, forged).get("/v1/meetings").await(), 401,
        "invalid_api_key", "the API key is not valid", null);

    JsonObject issued = app.client.post("/admin/v1/accounts/" + acmeAccount.getString("id") + "/api-keys")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await().bodyAsJsonObject();
    TestCalls second = TestCalls.withKey(app, issued.getString("api_key"));
    assertEquals(200, second.get("/v1/meetings/" + id).await().statusCode());
    app.client.delete("/admin/v1/accounts/" + acmeAccount.getString("id") + "/api-keys/" + issued.getString("id"))
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await();
    assertError(second.get("/v1/meetings/" + id).await(), 401, "invalid_api_key", "the API key is not valid", null);
  }

  @Test
  void regeneratedKeyReplacesTheOldOneAtOnce() {
    HttpResponse<Buffer> response = acme.post("/v1/platform/regenerate-key", null).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(Boolean.TRUE, body.getBoolean("success"));
    assertTrue(body.getString("api_key").matches("sk_live_[0-9A-Za-z]{44}"));
    assertTrue(body.getString("message").contains("previous key no longer works"));
    assertError(acme.get("/v1/meetings").await(), 401, "invalid_api_key", "the API key is not valid", null);
    assertEquals(200, TestCalls.withKey(app, body.getString("api_key")).get("/v1/meetings").await().statusCode());
  }

  @Test
  void anotherPlatformsMeetingReadsAsNotFound() {
    String id = schedule();
    HttpResponse<Buffer> unknown = globex.put("/v1/meetings/meet_doesnotexist", SEED_UPDATE).await();
    assertError(unknown, 404, "meeting_not_found", "meeting meet_doesnotexist not found", null);
    assertError(globex.put("/v1/meetings/" + id, SEED_UPDATE).await(), 404, "meeting_not_found",
        "meeting " + id + " not found", null);
    assertError(globex.get("/v1/meetings/" + id).await(), 404, "meeting_not_found", "meeting " + id + " not found", null);
    assertError(globex.delete("/v1/meetings/" + id).await(), 404, "meeting_not_found", "meeting " + id + " not found", null);
    assertEquals(0, globex.get("/v1/meetings").await().bodyAsJsonObject().getJsonArray("meetings").size());
    assertEquals(1, app.events(id).size(), "nothing was changed");
  }

  @Test
  void cancelIsFinal() {
    String id = schedule();
    HttpResponse<Buffer> cancelled = acme.delete("/v1/meetings/" + id).await();
    assertEquals(200, cancelled.statusCode());
    assertEquals(new JsonObject().put("success", true).put("meeting_id", id).put("status", "cancelled"),
        cancelled.bodyAsJsonObject());
    assertError(acme.put("/v1/meetings/" + id, SEED_UPDATE).await(), 404, "meeting_not_found",
        "meeting " + id + " not found", null);
    assertError(acme.delete("/v1/meetings/" + id).await(), 404, "meeting_not_found", "meeting " + id + " not found", null);
    JsonObject read = acme.get("/v1/meetings/" + id).await().bodyAsJsonObject();
    assertEquals("cancelled", read.getString("status"));
    assertEquals(List.of("meeting.scheduled", "meeting.cancelled"), app.events(id).stream().map(r -> r.getString("type")).toList());
    JsonObject data = (JsonObject) app.events(id).get(1).getValue("data");
    assertEquals("cancelled_by_platform", data.getString("reason"));
    assertEquals(acmeAccount.getString("id"), data.getString("cancelled_by"));
  }

  @Test
  void readShowsTheWholeMeeting() {
    String id = schedule();
    HttpResponse<Buffer> response = acme.get("/v1/meetings/" + id).await();
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("\"" + id + ".1\"", response.getHeader("ETag"));
    assertEquals(new JsonObject()
        .put("meeting_id", id)
        .put("title", "Intro call")
        .put("description", null)
        .put("start_time", "2025-11-25T14:00:00-08:00")
        .put("end_time", "2025-11-25T14:30:00-08:00")
        .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
        .put("location", "Google Meet")
        .put("meet_link", null)
        .put("status", "scheduled")
        .put("created_at", body.getString("created_at"))
        .put("updated_at", body.getString("updated_at"))
        .put("sequence", 1)
        .put("calendar_sync", new JsonObject().put("status", "not_connected").put("error", null))
        .put("meeting_event_id", null)
        .put("source", "api")
        .put("success", true), body);
    assertTrue(body.getString("created_at").endsWith("Z"));
  }

  @Test
  void ifMatchGuardsUpdateAndCancel() {
    String id = schedule();
    String etag = acme.get("/v1/meetings/" + id).await().getHeader("ETag");
    HttpResponse<Buffer> first = acme.header("If-Match", etag).put("/v1/meetings/" + id, SEED_UPDATE).await();
    assertEquals(200, first.statusCode());
    assertNotEquals(etag, first.getHeader("ETag"));
    String message = "If-Match does not match the meeting's current ETag; read it again and retry";
    assertError(acme.header("If-Match", etag).put("/v1/meetings/" + id, SEED_UPDATE).await(), 412,
        "precondition_failed", message, null);
    assertError(acme.header("If-Match", etag).delete("/v1/meetings/" + id).await(), 412,
        "precondition_failed", message, null);
    assertError(acme.header("If-Match", "W/" + first.getHeader("ETag")).delete("/v1/meetings/" + id).await(), 412,
        "precondition_failed", message, null);
    assertEquals(200, acme.header("If-Match", first.getHeader("ETag")).delete("/v1/meetings/" + id).await().statusCode());
  }

  @Test
  void idempotentScheduleReplaysTheFirstAnswer() {
    TestCalls keyed = acme.header("Idempotency-Key", "order-42");
    HttpResponse<Buffer> first = keyed.post("/v1/schedule", SCHEDULE).await();
    HttpResponse<Buffer> again = keyed.post("/v1/schedule", SCHEDULE).await();
    assertEquals(200, again.statusCode());
    assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject());
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertNull(first.getHeader("Idempotent-Replayed"));
    assertEquals(first.getHeader("ETag"), again.getHeader("ETag"));
    assertEquals(1, acme.get("/v1/meetings").await().bodyAsJsonObject().getJsonArray("meetings").size());

    assertError(keyed.post("/v1/schedule", SCHEDULE.copy().put("title", "Other")).await(), 422,
        "idempotency_key_reused", "this Idempotency-Key was used with a different request", "Idempotency-Key");
    assertEquals(200, globex.header("Idempotency-Key", "order-42").post("/v1/schedule", SCHEDULE).await().statusCode(),
        "keys are per tenant");
  }

  @Test
  void idempotencyKeyStillInFlightIsAConflict() {
    app.database.pool(app.vertx).preparedQuery("INSERT INTO idempotency_keys (account_id, key, request_hash, created_at)"
        + " VALUES ($1, 'busy', '\\x00'::bytea, now())").execute(Tuple.of(acmeAccount.getString("id"))).await();
    assertError(acme.header("Idempotency-Key", "busy").post("/v1/schedule", SCHEDULE).await(), 422,
        "idempotency_key_reused", "this Idempotency-Key was used with a different request", "Idempotency-Key");
    app.database.pool(app.vertx).preparedQuery("UPDATE idempotency_keys SET request_hash = $1 WHERE key = 'busy'")
        .execute(Tuple.of(Buffer.buffer(io.convene.http.Idempotency.requestHash("POST", "/v1/schedule",
            SCHEDULE.toBuffer())))).await();
    assertError(acme.header("Idempotency-Key", "busy").raw(HttpMethod.POST, "/v1/schedule", "application/json",
            SCHEDULE.toBuffer()).await(), 409,
        "idempotency_key_in_use", "a request with this Idempotency-Key is in progress; retry", null);
  }

  @Test
  void failedRequestsAreReplayedTooButNotServerFaults() {
    TestCalls keyed = acme.header("Idempotency-Key", "bad-1");
    JsonObject bad = SCHEDULE.copy().put("duration_minutes", 0);
    HttpResponse<Buffer> first = keyed.post("/v1/schedule", bad).await();
    HttpResponse<Buffer> again = keyed.post("/v1/schedule", bad).await();
    assertEquals(400, again.statusCode());
    assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject());
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
  }

  @Test
  void listPagesWithoutSkipsOrRepeatsWhileMeetingsAreAdded() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(schedule());
    }
    List<String> seen = new ArrayList<>();
    JsonObject page = acme.get("/v1/meetings?limit=2").await().bodyAsJsonObject();
    while (true) {
      page.getJsonArray("meetings").forEach(m -> seen.add(((JsonObject) m).getString("meeting_id")));
      made.add(schedule());
      if (!page.getBoolean("has_more")) {
        break;
      }
      page = acme.get("/v1/meetings?limit=2&cursor=" + page.getString("next_cursor")).await().bodyAsJsonObject();
      if (seen.size() > 20) {
        break;
      }
    }
    assertEquals(made.subList(0, seen.size()), seen, "in creation order, each once");
    assertTrue(seen.size() >= 5);
    assertEquals(Map.of("success", true, "has_more", false),
        Map.of("success", page.getBoolean("success"), "has_more", page.getBoolean("has_more")));
    assertNull(page.getValue("next_cursor"));
  }

  @Test
  void listFilters() {
    String first = schedule();
    String second = acme.post("/v1/schedule", SCHEDULE.copy()
            .put("attendees", new JsonArray().add("Carol@Example.com"))
            .put("start_time", "2025-12-01T10:00:00Z")).await()
        .bodyAsJsonObject().getString("meeting_id");
    acme.delete("/v1/meetings/" + first).await();
    assertEquals(List.of(second), ids(acme.get("/v1/meetings?attendee=carol@example.com").await()));
    assertEquals(List.of(first), ids(acme.get("/v1/meetings?status=cancelled").await()));
    assertEquals(List.of(second), ids(acme.get("/v1/meetings?start_after=2025-11-30T00:00:00Z").await()));
    assertEquals(List.of(first), ids(acme.get("/v1/meetings?start_before=2025-11-30T00:00:00%2B01:00").await()));
    assertEquals(List.of(first, second), ids(acme.get("/v1/meetings?updated_since=2020-01-01T00:00:00Z").await()));
    assertError(acme.get("/v1/meetings?limit=201").await(), 400, "invalid_field",
        "limit must be a whole number from 1 to 200", "limit");
    assertError(acme.get("/v1/meetings?cursor=garbage").await(), 400, "invalid_cursor",
        "cursor is not one this API returned", "cursor");
    assertError(acme.get("/v1/meetings?status=done").await(), 400, "invalid_field",
        "status must be scheduled or cancelled", "status");
    assertError(acme.get("/v1/meetings?start_after=yesterday").await(), 400, "invalid_time_format",
        "start_after is not RFC 3339 with an offset (e.g. 2025-11-26T15:00:00-08:00)", "start_after");
  }

  private static List<String> ids(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    List<String> ids = new ArrayList<>();
    response.bodyAsJsonObject().getJsonArray("meetings").forEach(m -> ids.add(((JsonObject) m).getString("meeting_id")));
    return ids;
  }

  @Test
  void settingsRoundTrip() {
    JsonObject empty = acme.get("/v1/platform/settings").await().bodyAsJsonObject();
    assertEquals(new JsonObject().put("success", true).put("redirect_uris", new JsonArray()).put("webhook_url", null)
        .put("booking_page_url", null), empty);
    JsonObject set = acme.put("/v1/platform/settings", new JsonObject()
        .put("redirect_uris", new JsonArray().add("https://app.example.com/done"))
        .put("webhook_url", "https://app.example.com/hooks")).await().bodyAsJsonObject();
    assertTrue(((String) set.remove("webhook_secret")).startsWith("whsec_"), "a new webhook endpoint's secret, once");
    assertEquals(new JsonObject().put("success", true)
        .put("redirect_uris", new JsonArray().add("https://app.example.com/done"))
        .put("webhook_url", "https://app.example.com/hooks").put("booking_page_url", null), set);
    JsonObject partly = acme.put("/v1/platform/settings", new JsonObject().put("webhook_url", null)).await().bodyAsJsonObject();
    assertEquals(new JsonArray().add("https://app.example.com/done"), partly.getJsonArray("redirect_uris"));
    assertNull(partly.getValue("webhook_url"));
    assertError(acme.put("/v1/platform/settings", new JsonObject().put("redirect_uris",
            new JsonArray().add("https://a.example").add("https://b.example").add("https://c.example")
                .add("https://d.example").add("https://e.example").add("https://f.example"))).await(),
        400, "invalid_field", "redirect_uris may list at most 5 URLs", "redirect_uris");
    assertError(acme.put("/v1/platform/settings", new JsonObject().put("webhook_url", "ftp://x")).await(),
        400, "unsupported_scheme", "webhook_url must use https://", "webhook_url");
    JsonObject page = acme.put("/v1/platform/settings", new JsonObject().put("booking_page_url", "https://app.example.com/book?x=1"))
        .await().bodyAsJsonObject();
    assertEquals("https://app.example.com/book?x=1", page.getString("booking_page_url"));
    assertEquals(new JsonArray().add("https://app.example.com/done"), page.getJsonArray("redirect_uris"), "others kept");
    assertEquals("http://localhost:3000/book", acme.put("/v1/platform/settings", new JsonObject()
        .put("booking_page_url", "http://localhost:3000/book")).await().bodyAsJsonObject().getString("booking_page_url"));
    for (String refused : new String[] {"http://app.example.com/book", "/book", "https://" + "a".repeat(2000) + ".example"}) {
      HttpResponse<Buffer> response = acme.put("/v1/platform/settings", new JsonObject().put("booking_page_url", refused)).await();
      assertEquals(400, response.statusCode(), response.bodyAsString());
      assertEquals("booking_page_url", response.bodyAsJsonObject().getJsonObject("error").getString("field"));
    }
    assertNull(acme.put("/v1/platform/settings", new JsonObject().putNull("booking_page_url")).await().bodyAsJsonObject()
        .getValue("booking_page_url"), "null clears it");
    assertEquals(new JsonArray(), globex.get("/v1/platform/settings").await().bodyAsJsonObject().getJsonArray("redirect_uris"));
  }

  @Test
  void rateLimitHeadersAndTooManyRequests() {
    Vertx own = Vertx.vertx();
    try {
      rateLimited(TestApp.start(own, Map.of("CONVENE_RATE_LIMIT_PER_MINUTE", "3")).await());
    } finally {
      own.close().await();
    }
  }

  private static void rateLimited(TestApp limited) {
    TestCalls calls = TestCalls.withKey(limited, limited.createAccount("Tiny").await().getString("api_key"));
    HttpResponse<Buffer> first = calls.get("/v1/meetings").await();
    assertEquals("3", first.getHeader("X-RateLimit-Limit"));
    assertEquals("2", first.getHeader("X-RateLimit-Remaining"));
    long reset = Long.parseLong(first.getHeader("X-RateLimit-Reset"));
    long now = System.currentTimeMillis() / 1000;
    assertTrue(reset >= now && reset <= now + 61, "reset " + reset + " now " + now);
    calls.get("/v1/meetings").await();
    calls.get("/v1/meetings").await();
    HttpResponse<Buffer> limitedResponse = calls.get("/v1/meetings").await();
    assertEquals(429, limitedResponse.statusCode());
    assertEquals("rate_limited", limitedResponse.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals("0", limitedResponse.getHeader("X-RateLimit-Remaining"));
    long retryAfter = Long.parseLong(limitedResponse.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 20, "Retry-After " + retryAfter);
  }
}
