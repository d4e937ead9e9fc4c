package io.convene.booking;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static io.convene.booking.BookingFixture.booker;
import static io.convene.booking.BookingFixture.booking;
import static io.convene.booking.BookingFixture.interval;
import static io.convene.booking.BookingFixture.ok;
import static io.convene.booking.BookingFixture.path;
import static io.convene.booking.BookingRoundTripTest.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The public surface's rules and refusals (contracts-scheduling.md §B3–§B7, §B8), with exact bodies. */
@ExtendWith(VertxExtension.class)
class PublicBookingApiTest {
  private static final String BOOK = "/public/v1/meetingevents/intro-call/book";
  private static final String SLOTS = "/public/v1/meetingevents/intro-call/slots";
  private static final String TOKEN_REFUSED = "the manage token is missing, expired or not valid for this meeting";
  private static final String SLOT_TAKEN = "a host is no longer free at this time; pick another slot";
  private Vertx vertx;
  private TestApp app;
  private String accountId;
  private TestCalls acme;
  private TestCalls visitor;
  private String eventId;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    app = app(Map.of());
    JsonObject account = app.createAccount("Acme").await();
    accountId = account.getString("id");
    acme = TestCalls.withKey(app, account.getString("api_key"));
    visitor = BookingFixture.anonymous(app);
    eventId = ok(acme.post("/v1/accounts/" + accountId + "/meetingevents", BookingFixture.intro()).await(), 201)
        .getJsonObject("data").getString("id");
  }

  private TestApp app(Map<String, String> extra) {
    return app(vertx, extra);
  }

  private static TestApp app(Vertx vertx, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("CONVENE_BOOKING_HORIZON_DAYS", BookingFixture.HORIZON_DAYS,
        "CONVENE_PUBLIC_RATE_LIMIT_PER_MINUTE", "0", "CONVENE_WORKERS", "api"));
    env.putAll(extra);
    return TestApp.start(vertx, env).await();
  }

  private JsonObject book(String start, int duration, String email) {
    return ok(visitor.post(BOOK, booking(start, duration, booker(email))).await(), 200).getJsonObject("data");
  }

  private static JsonObject slotsOf(HttpResponse<Buffer> response) {
    return ok(response, 200).getJsonObject("data").getJsonObject("slots");
  }

  @Test
  void slotsQueryRules() {
    assertEquals(new JsonObject().put("2030-03-11", new JsonArray()
        .add(slot("2030-03-11T03:00:00-05:00", "2030-03-11T03:30:00-05:00"))
        .add(slot("2030-03-11T03:30:00-05:00", "2030-03-11T04:00:00-05:00"))
        .add(slot("2030-03-11T04:00:00-05:00", "2030-03-11T04:30:00-05:00"))
        .add(slot("2030-03-11T04:30:00-05:00", "2030-03-11T05:00:00-05:00"))
        .add(slot("2030-03-11T05:00:00-05:00", "2030-03-11T05:30:00-05:00"))
        .add(slot("2030-03-11T05:30:00-05:00", "2030-03-11T06:00:00-05:00"))),
        slotsOf(visitor.get(SLOTS + "?start=2030-03-11&end=2030-03-11&timezone=America/Bogota").await()),
        "default duration the first; dates and offsets of the asked zone");
    assertEquals(new JsonObject(), slotsOf(visitor.get(SLOTS + "?start=2030-03-12&end=2030-03-17").await()),
        "no times Tuesday to Sunday");
    assertEquals(new JsonObject(), slotsOf(visitor.get(SLOTS + "?start=2020-03-09&end=2020-03-09").await()),
        "a window in the past yields nothing");
    String[][] refused = {
        {"?start=2030-3-11", "invalid_date_range", "start must be a date, YYYY-MM-DD", "start"},
        {"?start=2030-03-11&end=2030-03-10", "invalid_date_range", "end must not be before start", "end"},
        {"?start=2030-03-01&end=2030-04-01", "invalid_date_range", "start to end may span at most 31 days", "end"},
        {"?duration=45", "invalid_duration", "duration must be one of [30, 60]", "duration"},
        {"?duration=thirty", "invalid_duration", "duration must be one of [30, 60]", "duration"},
        {"?timezone=%2B05:00", "invalid_timezone", "timezone must be an IANA time zone such as Europe/Paris", "timezone"},
        {"?rescheduleToken=nope", "invalid_token", TOKEN_REFUSED, null},
    };
    for (String[] r : refused) {
      assertError(visitor.get(SLOTS + r[0]).await(), r[1].equals("invalid_token") ? 401 : 400, r[1], r[2], r[3]);
    }
    assertError(visitor.get("/public/v1/meetingevents/nope/slots").await(), 404, "meeting_event_not_found",
        "meeting event nope not found", null);
    assertError(visitor.get("/public/v1/meetingevents/nope").await(), 404, "meeting_event_not_found",
        "meeting event nope not found", null);
  }

  @Test
  void bookingRefusals() {
    JsonObject pat = booker("pat@example.org");
    assertError(visitor.post(BOOK, new JsonObject().put("duration", 30).put("attendees", new JsonArray().add(pat))).await(),
        400, "invalid_field", "start is required", "start");
    assertError(visitor.post(BOOK, booking("2030-03-11T10:00:00+01:00", 30)).await(), 400, "invalid_field",
        "attendees must hold the booker, and at most 9 more people", "attendees");
    // §B5 names invalid_field for the body's fields, where the shared rules have codes of their own.
    assertError(visitor.post(BOOK, booking("2030-03-11 10:00", 30, pat)).await(), 400, "invalid_field",
        "start is not RFC 3339 with an offset (e.g. 2025-11-26T15:00:00-08:00)", "start");
    assertError(visitor.post(BOOK, booking("2030-03-11T10:00:00+01:00", 30, booker("pat@"))).await(), 400,
        "invalid_field", "attendees[0].email is not a valid email address", "attendees[0].email");
    assertError(visitor.post(BOOK, booking("2030-03-11T10:00:00+01:00", 30, pat, booker("PAT@example.org"))).await(),
        400, "invalid_field", "attendees[1].email repeats attendees[0].email", "attendees[1].email");
    assertError(visitor.post(BOOK, booking("2030-03-11T10:00:00+01:00", 30, pat).put("notes", "n".repeat(2001))).await(),
        400, "invalid_field", "notes must be at most 2000 characters", "notes");
    assertError(visitor.post(BOOK, booking("2030-03-11T10:00:00+01:00", 45, pat)).await(), 400, "invalid_duration",
        "duration must be one of [30, 60]", "duration");
    assertError(visitor.post(BOOK, booking("2030-03-11T10:00:00+01:00", 30, pat, booker("sam@example.org"))).await(), 400,
        "additional_attendees_not_allowed", "this meeting event takes only the booker as attendee", "attendees");
    String unavailable = "start is not an offered slot of this meeting event for 30 minutes"
        + " (GET /public/v1/meetingevents/intro-call/slots)";
    for (String start : new String[] {"2030-03-11T10:10:00+01:00", "2030-03-11T13:00:00+01:00", "2030-03-12T10:00:00+01:00",
        "2020-03-09T10:00:00+01:00", "2041-03-11T10:00:00+01:00"}) {
      assertError(visitor.post(BOOK, booking(start, 30, pat)).await(), 400, "slot_unavailable", unavailable, "start");
    }
    assertError(visitor.post("/public/v1/meetingevents/nope/book", booking("2030-03-11T10:00:00+01:00", 30, pat)).await(),
        404, "meeting_event_not_found", "meeting event nope not found", null);

    // The host is busy with a meeting the platform made: the slot is gone, and booking it is 409.
    JsonObject busy = new JsonObject().put("name", "Other").put("start", "2030-03-11T09:00:00Z").put("end", "2030-03-11T09:45:00Z")
        .put("calendar", new JsonObject().putNull("connection")).put("hosts", new JsonArray())
        .put("attendees", new JsonArray().add(new JsonObject().put("email", "DANA@example.com")));
    ok(acme.post("/v1/accounts/" + accountId + "/meetings", busy).await(), 201);
    assertError(visitor.post(BOOK, booking("2030-03-11T10:30:00+01:00", 30, pat)).await(), 409, "slot_taken", SLOT_TAKEN, null);
    assertEquals(new JsonArray().add(slot("2030-03-11T09:00:00+01:00", "2030-03-11T09:30:00+01:00"))
            .add(slot("2030-03-11T09:30:00+01:00", "2030-03-11T10:00:00+01:00"))
            .add(slot("2030-03-11T11:00:00+01:00", "2030-03-11T11:30:00+01:00"))
            .add(slot("2030-03-11T11:30:00+01:00", "2030-03-11T12:00:00+01:00")),
        slotsOf(visitor.get(SLOTS + "?start=2030-03-11&end=2030-03-11").await()).getJsonArray("2030-03-11"));
  }

  @Test
  void hostPreferencesBufferAndCapApplyOnlyWhenStored() {
    assertEquals(200, acme.put("/v1/platform/users/dana%40example.com/preferences", new JsonObject().put("timezone", "UTC")
        .put("buffer_minutes", 30).put("max_meetings_per_day", 2)).await().statusCode());
    book("2030-03-11T10:00:00+01:00", 30, "pat@example.org");
    assertEquals(new JsonArray().add(slot("2030-03-11T09:00:00+01:00", "2030-03-11T09:30:00+01:00"))
            .add(slot("2030-03-11T11:00:00+01:00", "2030-03-11T11:30:00+01:00"))
            .add(slot("2030-03-11T11:30:00+01:00", "2030-03-11T12:00:00+01:00")),
        slotsOf(visitor.get(SLOTS + "?start=2030-03-11&end=2030-03-11").await()).getJsonArray("2030-03-11"),
        "30 minutes of buffer around the booking");
    book("2030-03-11T11:30:00+01:00", 30, "sam@example.org");
    assertEquals(new JsonObject(), slotsOf(visitor.get(SLOTS + "?start=2030-03-11&end=2030-03-11").await()),
        "two meetings that day: the cap");
  }

  @Test
  void idempotentByKeyAndByIdenticalBooking() {
    JsonObject body = booking("2030-03-11T10:00:00+01:00", 30, booker("pat@example.org"));
    HttpResponse<Buffer> first = visitor.header("Idempotency-Key", "k1").post(BOOK, body).await();
    HttpResponse<Buffer> again = visitor.header("Idempotency-Key", "k1").post(BOOK, body).await();
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(ok(first, 200), ok(again, 200));
    assertError(visitor.header("Idempotency-Key", "k1").post(BOOK, body.copy().put("notes", "other")).await(), 422,
        "idempotency_key_reused", "this Idempotency-Key was used with a different request", "Idempotency-Key");

    HttpResponse<Buffer> identical = visitor.post(BOOK, body.copy().put("notes", "a second try")).await();
    assertEquals("true", identical.getHeader("Idempotent-Replayed"));
    JsonObject replayed = ok(identical, 200).getJsonObject("data");
    assertEquals(first.bodyAsJsonObject().getJsonObject("data").getString("id"), replayed.getString("id"));
    assertNull(replayed.getValue("notes"), "the meeting as it was booked: nothing written");
    long meetings = app.database.pool(vertx).query("SELECT count(*) FROM meetings").execute().await().iterator().next()
        .getLong(0);
    assertEquals(1, meetings);
    assertError(visitor.post(BOOK, booking("2030-03-11T10:00:00+01:00", 30, booker("sam@example.org"))).await(), 409,
        "slot_taken", SLOT_TAKEN, null);
  }

  /** A reschedule or cancel with an Idempotency-Key: its answer commits with the change and is replayed. */
  @Test
  void selfServiceChangesAreIdempotentByKey() {
    JsonObject booked = book("2030-03-11T10:00:00+01:00", 30, "pat@example.org");
    String link = path(booked.getString("rescheduleLink"));
    JsonObject move = booking("2030-03-18T10:00:00+01:00", 30, booker("pat@example.org"));
    HttpResponse<Buffer> first = visitor.header("Idempotency-Key", "move-1").put(link, move).await();
    HttpResponse<Buffer> again = visitor.header("Idempotency-Key", "move-1").put(link, move).await();
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(ok(first, 200), ok(again, 200));
    assertEquals(2, app.events(booked.getString("id")).size(), "one meeting.scheduled, one meeting.updated");
    String cancel = link.replace("?", "/cancel?");
    JsonObject cancelled = ok(visitor.header("Idempotency-Key", "stop-1").put(cancel, null).await(), 200);
    HttpResponse<Buffer> replayed = visitor.header("Idempotency-Key", "stop-1").put(cancel, null).await();
    assertEquals("true", replayed.getHeader("Idempotent-Replayed"));
    assertEquals(cancelled, ok(replayed, 200));
  }

  @Test
  void selfServiceRefusals() {
    JsonObject booked = book("2030-03-11T10:00:00+01:00", 30, "pat@example.org");
    String id = booked.getString("id");
    String link = path(booked.getString("rescheduleLink"));
    String token = BookingFixture.token(booked.getString("rescheduleLink"));
    String other = BookingFixture.token(book("2030-03-11T11:00:00+01:00", 30, "sam@example.org").getString("cancelLink"));
    JsonObject move = booking("2030-03-18T10:00:00+01:00", 30, booker("pat@example.org"));

    assertError(visitor.get("/public/v1/meetings/" + id).await(), 401, "invalid_token", TOKEN_REFUSED, null);
    assertError(visitor.put("/public/v1/meetings/" + id + "?token=" + other, move).await(), 401, "invalid_token",
        TOKEN_REFUSED, null);
    assertError(visitor.header("Authorization", "Bearer " + other).put("/public/v1/meetings/" + id + "/cancel", null).await(),
        401, "invalid_token", TOKEN_REFUSED, null);
    assertEquals(200, visitor.header("Authorization", "Bearer " + token).get("/public/v1/meetings/" + id).await().statusCode(),
        "the token also works as a bearer");
    assertError(visitor.put(link, booking("2030-03-18T10:00:00+01:00", 30, booker("eve@example.org"))).await(), 403,
        "token_mismatch", "attendees[0].email must be the booker's email", null);
    assertError(visitor.put(link, booking("2030-03-18T10:00:00+01:00", 30, booker("pat@example.org"),
        booker("eve@example.org"))).await(), 400, "additional_attendees_not_allowed",
        "this meeting event takes only the booker as attendee", "attendees");
    assertError(visitor.put(link, booking("2030-03-18T10:05:00+01:00", 30, booker("pat@example.org"))).await(), 400,
        "slot_unavailable", "start is not an offered slot of this meeting event for 30 minutes"
            + " (GET /public/v1/meetingevents/intro-call/slots)", "start");
    assertError(visitor.put(link, booking("2030-03-11T11:00:00+01:00", 30, booker("pat@example.org"))).await(), 409,
        "slot_taken", SLOT_TAKEN, null);
    assertError(visitor.header("If-Match", "\"" + id + ".7\"").put(link, move).await(), 412, "precondition_failed",
        "If-Match does not match the meeting's current ETag; read it again and retry", null);
    JsonObject slots = slotsOf(visitor.get(SLOTS + "?start=2030-03-11&end=2030-03-11&rescheduleToken=" + token).await());
    assertEquals(5, slots.getJsonArray("2030-03-11").size(), "the meeting itself does not count as busy; Sam's does");
    assertError(visitor.get(SLOTS + "?start=2030-03-11&end=2030-03-11&rescheduleToken=" + token.substring(0, token.length() - 2)
        + "xy").await(), 401, "invalid_token", TOKEN_REFUSED, null);
    JsonObject same = ok(visitor.put(link, booking("2030-03-11T10:00:00+01:00", 60, booker("pat@example.org"))).await(), 200)
        .getJsonObject("data");
    assertEquals("2030-03-11T10:00:00Z", same.getString("end"), "a longer meeting over its own old time");

    // Moved into the past by the platform: started, no more changes; reads still answer.
    JsonObject past = new JsonObject().put("start_time", "2021-01-04T10:00:00Z").put("end_time", "2021-01-04T10:30:00Z");
    assertEquals(200, acme.put("/v1/meetings/" + id, past).await().statusCode());
    String started = "meeting " + id + " has started; it can no longer be changed";
    assertError(visitor.put(link, move).await(), 409, "meeting_started", started, null);
    assertError(visitor.put(link.replace("?", "/cancel?"), null).await(), 409, "meeting_started", started, null);
    assertEquals("past", ok(visitor.get(link).await(), 200).getJsonObject("data").getString("status"));
  }

  @Test
  void cancelledMeetingsAndDeletedEvents() {
    JsonObject booked = book("2030-03-11T10:00:00+01:00", 30, "pat@example.org");
    String link = path(booked.getString("rescheduleLink"));
    assertEquals(200, acme.delete("/v1/accounts/" + accountId + "/meetingevents/" + eventId).await().statusCode());
    assertError(visitor.put(link, booking("2030-03-18T10:00:00+01:00", 30, booker("pat@example.org"))).await(), 409,
        "meeting_event_deleted", "the meeting event this meeting was booked through was deleted; it can no longer be"
            + " rescheduled, only cancelled", null);
    assertNull(ok(visitor.get(link).await(), 200).getJsonObject("data").getValue("meetingEvent"));
    JsonObject cancelled = ok(visitor.put(link.replace("?", "/cancel?"), null).await(), 200).getJsonObject("data");
    assertEquals("cancelled", cancelled.getString("status"));
    String again = "meeting " + booked.getString("id") + " is cancelled; cancellation is final";
    assertError(visitor.put(link.replace("?", "/cancel?"), null).await(), 409, "meeting_cancelled", again, null);
    assertError(visitor.put(link, booking("2030-03-18T10:00:00+01:00", 30, booker("pat@example.org"))).await(), 409,
        "meeting_cancelled", again, null);
    assertEquals("cancelled", ok(visitor.get(link).await(), 200).getJsonObject("data").getString("status"));
    JsonObject onAccounts = ok(acme.get("/v1/accounts/" + accountId + "/meetings/" + booked.getString("id")).await(), 200);
    assertEquals(new JsonObject().put("id", eventId).put("slug", "intro-call"),
        onAccounts.getJsonObject("data").getJsonObject("meetingEvent"), "a deleted event's meetings still name it");
  }

  @Test
  void linksLeadToTheTenantsBookingPageWhenItSetOne() {
    assertEquals(200, acme.put("/v1/platform/settings", new JsonObject().put("booking_page_url", "https://app.example.com/book?x=1"))
        .await().statusCode());
    JsonObject booked = book("2030-03-11T10:00:00+01:00", 30, "pat@example.org");
    String prefix = "https://app.example.com/book?x=1&action=cancel&meeting_id=" + booked.getString("id") + "&token=";
    assertEquals(prefix, booked.getString("cancelLink").substring(0, prefix.length()));
    String token = BookingFixture.token(booked.getString("cancelLink"));
    assertEquals(200, visitor.get("/public/v1/meetings/" + booked.getString("id") + "?token=" + token).await().statusCode());
  }

  @Test
  void corsAndPreflight() {
    HttpResponse<Buffer> preflight = visitor.send(HttpMethod.OPTIONS, BOOK, null).await();
    assertEquals(204, preflight.statusCode());
    assertEquals("*", preflight.getHeader("Access-Control-Allow-Origin"));
    assertEquals("GET, POST, PUT", preflight.getHeader("Access-Control-Allow-Methods"));
    assertEquals("Content-Type, Authorization, Idempotency-Key", preflight.getHeader("Access-Control-Allow-Headers"));
    assertEquals("*", visitor.get("/public/v1/meetingevents/nope").await().getHeader("Access-Control-Allow-Origin"),
        "errors too");
  }

  /** Its own instance (in its own Vert.x, as another node), configured otherwise. */
  @Test
  void perAddressRateLimitAndThePublicHost() {
    Vertx own = Vertx.vertx();
    try {
      limitedAndOnThePublicHost(app(own, Map.of("CONVENE_PUBLIC_RATE_LIMIT_PER_MINUTE", "2",
          "CONVENE_PUBLIC_HOST", "Book.Example.com")));
    } finally {
      own.close().await();
    }
  }

  private static void limitedAndOnThePublicHost(TestApp limited) {
    JsonObject account = limited.createAccount("Initech").await();
    ok(TestCalls.withKey(limited, account.getString("api_key")).post("/v1/accounts/" + account.getString("id")
        + "/meetingevents", BookingFixture.intro().put("slug", "initech")).await(), 201);
    TestCalls onPublicHost = BookingFixture.anonymous(limited).header("Host", "book.example.com");
    JsonObject viewed = ok(onPublicHost.get("/v1/meetingevents/initech").await(), 200);
    assertEquals("initech", viewed.getJsonObject("data").getString("slug"), "served as /public/v1/meetingevents/initech");
    assertEquals(200, BookingFixture.anonymous(limited).get("/public/v1/meetingevents/initech").await().statusCode());
    HttpResponse<Buffer> third = BookingFixture.anonymous(limited).get("/public/v1/meetingevents/initech").await();
    assertError(third, 429, "rate_limited", "rate limit of 2 requests per minute exceeded; retry after "
        + third.getHeader("Retry-After") + " s", null);
  }

  @Test
  void spansOfDaylightSavingSwitchDaysInTheEventsZone() {
    JsonObject nights = BookingFixture.intro().put("slug", "nights").put("availability", new JsonObject()
        .put("timezone", "Europe/Paris").put("times", new JsonObject().put("sun", new JsonArray().add(interval(1, 0, 4, 0)))));
    ok(acme.post("/v1/accounts/" + accountId + "/meetingevents", nights).await(), 201);
    // Spring forward, 2030-03-31: 02:00-03:00 does not exist; 01:00-04:00 is two hours long.
    assertEquals(new JsonObject().put("2030-03-31", new JsonArray()
            .add(slot("2030-03-31T01:00:00+01:00", "2030-03-31T01:30:00+01:00"))
            .add(slot("2030-03-31T01:30:00+01:00", "2030-03-31T03:00:00+02:00"))
            .add(slot("2030-03-31T03:00:00+02:00", "2030-03-31T03:30:00+02:00"))
            .add(slot("2030-03-31T03:30:00+02:00", "2030-03-31T04:00:00+02:00"))),
        slotsOf(visitor.get("/public/v1/meetingevents/nights/slots?start=2030-03-31&end=2030-03-31").await()));
    // Fall back, 2030-10-27: 02:00-03:00 happens twice; 01:00-04:00 is four hours long.
    JsonObject fall = slotsOf(visitor.get("/public/v1/meetingevents/nights/slots?start=2030-10-27&end=2030-10-27&duration=60")
        .await());
    assertEquals(new JsonObject().put("2030-10-27", new JsonArray()
            .add(slot("2030-10-27T01:00:00+02:00", "2030-10-27T02:00:00+02:00"))
            .add(slot("2030-10-27T02:00:00+02:00", "2030-10-27T02:00:00+01:00"))
            .add(slot("2030-10-27T02:00:00+01:00", "2030-10-27T03:00:00+01:00"))
            .add(slot("2030-10-27T03:00:00+01:00", "2030-10-27T04:00:00+01:00"))), fall);
    JsonObject booked = ok(visitor.post("/public/v1/meetingevents/nights/book",
        booking("2030-10-27T02:00:00+01:00", 60, booker("pat@example.org"))).await(), 200).getJsonObject("data");
    assertEquals("2030-10-27T01:00:00Z", booked.getString("start"), "the second 02:00");
  }
}
