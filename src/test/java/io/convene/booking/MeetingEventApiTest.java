package io.convene.booking;

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

import java.util.LinkedHashMap;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static io.convene.booking.BookingFixture.interval;
import static io.convene.booking.BookingFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Meeting events on the Accounts surface (contracts-scheduling.md §B1, §B2): every route, field rule and error. */
@ExtendWith(VertxExtension.class)
class MeetingEventApiTest {
  private TestApp app;
  private String accountId;
  private String events;
  private TestCalls acme;
  private TestCalls globex;
  private String globexId;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx, Map.of("CONVENE_PUBLIC_BASE_URL", "https://convene.example.com")).await();
    JsonObject account = app.createAccount("Acme").await();
    accountId = account.getString("id");
    events = "/v1/accounts/" + accountId + "/meetingevents";
    acme = TestCalls.withKey(app, account.getString("api_key"));
    JsonObject other = app.createAccount("Globex").await();
    globexId = other.getString("id");
    globex = TestCalls.withKey(app, other.getString("api_key"));
  }

  private JsonObject create(JsonObject body) {
    return ok(acme.post(events, body).await(), 201).getJsonObject("data");
  }

  private static JsonObject weekdays(String zone) {
    JsonObject times = new JsonObject().put("sun", new JsonArray());
    for (String day : new String[] {"mon", "tue", "wed", "thu", "fri"}) {
      times.put(day, new JsonArray().add(interval(9, 0, 17, 0)));
    }
    return new JsonObject().put("timezone", zone).put("times", times.put("sat", new JsonArray()));
  }

  @Test
  void createReadListAndTheDefaults() {
    JsonObject minimal = create(new JsonObject().put("name", "Intro Call!").put("durations", new JsonArray().add(30))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "dana@example.com"))));
    String id = minimal.getString("id");
    assertTrue(id.startsWith("mev_"), id);
    assertEquals(new JsonObject().put("id", id).put("name", "Intro Call!").put("slug", "intro-call").put("description", null)
        .put("durations", new JsonArray().add(30)).put("calendar", new JsonObject().put("connection", null))
        .put("allowAdditionalAttendees", false).put("availability", weekdays("UTC"))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "dana@example.com").put("firstName", null)
            .put("lastName", null)))
        .put("bookingUrl", "https://convene.example.com/public/v1/meetingevents/intro-call")
        .put("createdAt", minimal.getString("createdAt")).put("updatedAt", minimal.getString("createdAt")), minimal);
    assertEquals(minimal, ok(acme.get(events + "/" + id).await(), 200).getJsonObject("data"));

    JsonObject full = create(BookingFixture.intro().put("slug", "Intro-Call-Paris").put("allowAdditionalAttendees", true));
    assertEquals("intro-call-paris", full.getString("slug"), "upper case folded");
    JsonObject paris = new JsonObject().put("timezone", "Europe/Paris").put("times", new JsonObject()
        .put("sun", new JsonArray()).put("mon", new JsonArray().add(interval(9, 0, 12, 0))).put("tue", new JsonArray())
        .put("wed", new JsonArray()).put("thu", new JsonArray()).put("fri", new JsonArray()).put("sat", new JsonArray()));
    assertEquals(paris, full.getJsonObject("availability"), "every day present, a missing one empty");

    JsonObject page = ok(acme.get(events + "?limit=1").await(), 200);
    assertEquals(new JsonObject().put("limit", 1).put("offset", 0).put("hasNext", true), page.getJsonObject("pagination"));
    assertEquals(new JsonArray().add(minimal), page.getJsonArray("data"));
    JsonObject second = ok(acme.get(events + "?offset=1&limit=1").await(), 200);
    assertEquals(new JsonObject().put("limit", 1).put("offset", 1).put("hasNext", false), second.getJsonObject("pagination"));
    assertEquals(full.getString("id"), second.getJsonArray("data").getJsonObject(0).getString("id"));
    assertEquals(new JsonArray(), ok(globex.get("/v1/accounts/" + globexId + "/meetingevents").await(), 200)
        .getJsonArray("data"), "another tenant sees none of them");
  }

  @Test
  void generatedSlugsTakeTheNextFreeSuffixAndGivenOnesAreRefusedWhenTaken() {
    JsonObject body = new JsonObject().put("name", "Intro call").put("durations", new JsonArray().add(30))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "dana@example.com")));
    assertEquals("intro-call", create(body).getString("slug"));
    assertEquals("intro-call-2", create(body).getString("slug"));
    assertEquals("intro-call-3", ok(globex.post("/v1/accounts/" + globexId + "/meetingevents", body).await(), 201)
        .getJsonObject("data").getString("slug"), "slugs are global: another tenant's count too");
    assertEquals("event", create(body.copy().put("name", "¡¿!")).getString("slug"));
    assertEquals("a".repeat(48), create(body.copy().put("name", "A".repeat(60))).getString("slug"));
    assertError(globex.post("/v1/accounts/" + globexId + "/meetingevents", body.copy().put("slug", "intro-call")).await(),
        409, "slug_taken", "slug intro-call is taken by another meeting event", "slug");
  }

  @Test
  void updateReplacesAndKeepsTheSlugAChangedOrDeletedSlugIsFreeAtOnce() {
    JsonObject created = create(BookingFixture.intro().put("allowAdditionalAttendees", true));
    String id = created.getString("id");
    JsonObject replacement = new JsonObject().put("name", "Quick chat").put("durations", new JsonArray().add(15))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "eve@example.com")));
    JsonObject updated = ok(acme.put(events + "/" + id, replacement).await(), 200).getJsonObject("data");
    assertEquals("intro-call", updated.getString("slug"), "an absent slug is kept");
    assertEquals(null, updated.getValue("description"), "absent description: null");
    assertEquals(false, updated.getBoolean("allowAdditionalAttendees"));
    assertEquals(weekdays("UTC"), updated.getJsonObject("availability"), "absent availability: the default");
    assertEquals(created.getString("createdAt"), updated.getString("createdAt"));

    JsonObject singular = ok(acme.put("/v1/account/" + accountId + "/meetingevents/" + id,
        replacement.copy().put("slug", "quick-chat")).await(), 200).getJsonObject("data");
    assertEquals("quick-chat", singular.getString("slug"), "Sakari's singular path updates too");
    assertEquals(404, BookingFixture.anonymous(app).get("/public/v1/meetingevents/intro-call").await().statusCode());
    assertEquals(200, BookingFixture.anonymous(app).get("/public/v1/meetingevents/quick-chat").await().statusCode());
    assertEquals("intro-call", create(BookingFixture.intro()).getString("slug"), "the old slug is free");

    JsonObject deleted = ok(acme.delete(events + "/" + id).await(), 200).getJsonObject("data");
    assertEquals(singular.put("updatedAt", deleted.getString("updatedAt")), deleted);
    assertError(acme.get(events + "/" + id).await(), 404, "meeting_event_not_found", "meeting event " + id + " not found", null);
    assertError(acme.delete(events + "/" + id).await(), 404, "meeting_event_not_found", "meeting event " + id + " not found",
        null);
    assertError(BookingFixture.anonymous(app).get("/public/v1/meetingevents/quick-chat").await(), 404,
        "meeting_event_not_found", "meeting event quick-chat not found", null);
    assertEquals("quick-chat", create(replacement.copy().put("slug", "quick-chat")).getString("slug"));
  }

  @Test
  void duplicateCopiesAllButIdNameAndSlug() {
    JsonObject original = create(BookingFixture.intro());
    String path = events + "/" + original.getString("id") + "/duplicate";
    JsonObject copy = ok(acme.post(path, new JsonObject()).await(), 201).getJsonObject("data");
    assertEquals(original.copy().put("id", copy.getString("id")).put("name", "Intro call (copy)")
        .put("slug", "intro-call-copy").put("bookingUrl", "https://convene.example.com/public/v1/meetingevents/intro-call-copy")
        .put("createdAt", copy.getString("createdAt")).put("updatedAt", copy.getString("updatedAt")), copy);
    JsonObject named = ok(acme.post(path, new JsonObject().put("name", "Long call")).await(), 201).getJsonObject("data");
    assertEquals("long-call", named.getString("slug"));
    assertEquals(201, acme.send(io.vertx.core.http.HttpMethod.POST, path, null).await().statusCode(), "no body at all");
    assertError(acme.post(path, new JsonObject().put("name", 7)).await(), 400, "invalid_field", "name must be a string", "name");
    assertError(acme.post(events + "/mev_missing/duplicate", new JsonObject()).await(), 404, "meeting_event_not_found",
        "meeting event mev_missing not found", null);
  }

  @Test
  void createIsIdempotentByKey() {
    HttpResponse<Buffer> first = acme.header("Idempotency-Key", "ev-1").post(events, BookingFixture.intro()).await();
    HttpResponse<Buffer> again = acme.header("Idempotency-Key", "ev-1").post(events, BookingFixture.intro()).await();
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(ok(first, 201), ok(again, 201));
    assertEquals(1, ok(acme.get(events).await(), 200).getJsonArray("data").size());
  }

  @Test
  void theSingularPathServesOnlyPutAndIsGuarded() {
    String id = create(BookingFixture.intro()).getString("id");
    HttpResponse<Buffer> get = acme.get("/v1/account/" + accountId + "/meetingevents/" + id).await();
    assertError(get, 405, "method_not_allowed", "GET is not allowed on /v1/account/" + accountId + "/meetingevents/" + id,
        null);
    assertError(globex.put("/v1/account/" + accountId + "/meetingevents/" + id, BookingFixture.intro()).await(), 403,
        "account_forbidden", "this credential may not act on account " + accountId, null);
  }

  @Test
  void everyFieldRule() {
    Map<JsonObject, String[]> cases = new LinkedHashMap<>();
    JsonObject base = BookingFixture.intro().copy();
    base.remove("slug");
    cases.put(base.copy().put("name", ""), new String[] {"invalid_field", "name is required and must be a non-empty string", "name"});
    cases.put(base.copy().put("name", "n".repeat(201)), new String[] {"invalid_field", "name must be at most 200 characters", "name"});
    cases.put(base.copy().put("slug", "Not a slug"), new String[] {"invalid_slug",
        "slug must be 1 to 64 lower-case letters, digits and single hyphens between them, such as intro-call", "slug"});
    cases.put(base.copy().put("slug", "a--b"), new String[] {"invalid_slug",
        "slug must be 1 to 64 lower-case letters, digits and single hyphens between them, such as intro-call", "slug"});
    cases.put(base.copy().put("slug", "s".repeat(65)), new String[] {"invalid_field", "slug must be at most 64 characters", "slug"});
    cases.put(base.copy().put("description", "d".repeat(5001)), new String[] {"invalid_field",
        "description must be at most 5000 characters", "description"});
    cases.put(base.copy().put("durations", new JsonArray()), new String[] {"invalid_field",
        "durations must be a list of 1 to 10 durations in minutes", "durations"});
    cases.put(base.copy().put("durations", new JsonArray().add(31)), new String[] {"invalid_field",
        "durations[0] must be a whole number of minutes from 5 to 480, a multiple of 5", "durations[0]"});
    cases.put(base.copy().put("durations", new JsonArray().add(30).add(485)), new String[] {"invalid_field",
        "durations[1] must be a whole number of minutes from 5 to 480, a multiple of 5", "durations[1]"});
    cases.put(base.copy().put("durations", new JsonArray().add(30).add(30)), new String[] {"invalid_field",
        "durations[1] repeats 30", "durations[1]"});
    cases.put(base.copy().putNull("durations"), new String[] {"invalid_field", "durations is required", "durations"});
    cases.put(base.copy().put("calendar", new JsonObject().put("connection", new JsonObject().put("id", "cal_nope"))),
        new String[] {"unknown_calendar_connection", "calendar.connection.id names no calendar connection of this account",
            "calendar.connection.id"});
    cases.put(base.copy().put("allowAdditionalAttendees", "yes"), new String[] {"invalid_field",
        "allowAdditionalAttendees must be true or false", "allowAdditionalAttendees"});
    cases.put(base.copy().put("availability", new JsonObject().put("timezone", "+05:00").put("times", new JsonObject())),
        new String[] {"invalid_timezone", "availability.timezone must be an IANA time zone such as Europe/Paris",
            "availability.timezone"});
    cases.put(base.copy().put("availability", new JsonObject().put("times", new JsonObject().put("monday", new JsonArray()))),
        new String[] {"invalid_availability", "availability.times.monday is not a weekday: use sun, mon, tue, wed, thu, fri, sat",
            "availability.times.monday"});
    cases.put(base.copy().put("availability", new JsonObject().put("times", new JsonObject().put("mon",
        new JsonArray().add(interval(12, 0, 9, 0))))), new String[] {"invalid_availability",
        "availability.times.mon[0].end must be after availability.times.mon[0].start", "availability.times.mon[0].end"});
    cases.put(base.copy().put("availability", new JsonObject().put("times", new JsonObject().put("mon",
        new JsonArray().add(interval(9, 0, 11, 0)).add(interval(10, 0, 12, 0))))), new String[] {"invalid_availability",
        "availability.times.mon has overlapping intervals", "availability.times.mon"});
    cases.put(base.copy().put("availability", new JsonObject().put("times", new JsonObject().put("mon",
        new JsonArray().add(interval(24, 0, 24, 0))))), new String[] {"invalid_availability",
        "availability.times.mon[0].start must be {hour: 0-23, minute: 0-59}", "availability.times.mon[0].start"});
    cases.put(base.copy().put("availability", new JsonObject().put("times", new JsonObject().put("mon",
        new JsonArray().add(interval(9, 0, 9, 60))))), new String[] {"invalid_availability",
        "availability.times.mon[0].end must be {hour: 0-23, minute: 0-59} or {hour: 24, minute: 0}",
        "availability.times.mon[0].end"});
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) {
      eleven.add(interval(i, 0, i, 30));
    }
    cases.put(base.copy().put("availability", new JsonObject().put("times", new JsonObject().put("tue", eleven))),
        new String[] {"invalid_availability", "availability.times.tue must be a list of at most 10 intervals",
            "availability.times.tue"});
    cases.put(base.copy().put("hosts", new JsonArray().add(new JsonObject().put("email", "not-an-email"))),
        new String[] {"invalid_field", "hosts[0].email is not a valid email address", "hosts[0].email"});
    cases.put(base.copy().put("hosts", new JsonArray().add(new JsonObject().put("email", "dana@example.com"))
        .add(new JsonObject().put("email", "DANA@example.com"))),
        new String[] {"invalid_field", "hosts[1].email repeats hosts[0].email", "hosts[1].email"});
    cases.put(base.copy().put("hosts", new JsonArray()), new String[] {"host_required",
        "a meeting event needs a host: a calendar connection (its user hosts) or at least one of hosts", "hosts"});
    for (Map.Entry<JsonObject, String[]> c : cases.entrySet()) {
      String[] e = c.getValue();
      assertError(acme.post(events, c.getKey()).await(), 400, e[0], e[1], e[2]);
    }
    JsonObject midnight = create(base.copy().put("slug", "late").put("availability", new JsonObject()
        .put("times", new JsonObject().put("fri", new JsonArray().add(interval(22, 0, 24, 0))))));
    assertEquals(new JsonArray().add(interval(22, 0, 24, 0)),
        midnight.getJsonObject("availability").getJsonObject("times").getJsonArray("fri"), "24:00 ends a day");
  }
}
