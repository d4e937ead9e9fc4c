package io.convene.booking;

import io.convene.TestApp;
import io.convene.TestCalls;
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

import java.util.List;
import java.util.Map;

import static io.convene.booking.BookingFixture.booker;
import static io.convene.booking.BookingFixture.booking;
import static io.convene.booking.BookingFixture.ok;
import static io.convene.booking.BookingFixture.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A booking page's whole visit, as one story: view → slots → book → reschedule by link → cancel by link (§B4–§B7). */
@ExtendWith(VertxExtension.class)
class BookingRoundTripTest {
  private TestApp app;
  private TestCalls acme;
  private TestCalls visitor;
  private String accountId;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx, Map.of("CONVENE_BOOKING_HORIZON_DAYS", BookingFixture.HORIZON_DAYS,
        "CONVENE_PUBLIC_BASE_URL", "https://book.example.com")).await();
    JsonObject account = app.createAccount("Acme").await();
    accountId = account.getString("id");
    acme = TestCalls.withKey(app, account.getString("api_key"));
    visitor = BookingFixture.anonymous(app);
  }

  @Test
  void viewSlotsBookRescheduleAndCancel() {
    String eventId = ok(acme.post("/v1/accounts/" + accountId + "/meetingevents", BookingFixture.intro()).await(), 201)
        .getJsonObject("data").getString("id");

    HttpResponse<Buffer> viewed = visitor.get("/public/v1/meetingevents/intro-call").await();
    assertEquals("*", viewed.getHeader("Access-Control-Allow-Origin"));
    assertEquals(new JsonObject().put("success", true).put("data", new JsonObject()
        .put("name", "Intro call").put("slug", "intro-call").put("description", "Thirty minutes to get to know each other")
        .put("durations", new JsonArray().add(30).add(60)).put("allowAdditionalAttendees", false)
        .put("timezone", "Europe/Paris")
        .put("hosts", new JsonArray().add(new JsonObject().put("firstName", "Dana").put("lastName", "Lee")))),
        ok(viewed, 200));

    JsonObject slots = ok(visitor.get("/public/v1/meetingevents/intro-call/slots?start=2030-03-11&end=2030-03-12&duration=60")
        .await(), 200);
    assertEquals(new JsonObject().put("success", true).put("data", new JsonObject()
        .put("slug", "intro-call").put("duration", 60).put("timezone", "Europe/Paris")
        .put("slots", new JsonObject().put("2030-03-11", new JsonArray()
            .add(slot("2030-03-11T09:00:00+01:00", "2030-03-11T10:00:00+01:00"))
            .add(slot("2030-03-11T10:00:00+01:00", "2030-03-11T11:00:00+01:00"))
            .add(slot("2030-03-11T11:00:00+01:00", "2030-03-11T12:00:00+01:00"))))), slots);

    JsonObject booked = ok(visitor.post("/public/v1/meetingevents/intro-call/book",
        booking("2030-03-11T10:00:00+01:00", 60, booker("pat@example.org")).put("notes", "About the pilot")).await(), 200)
        .getJsonObject("data");
    String id = booked.getString("id");
    String hostId = booked.getJsonArray("hosts").getJsonObject(0).getString("id");
    String patId = booked.getJsonArray("attendees").getJsonObject(0).getString("id");
    String reschedule = booked.getString("rescheduleLink");
    String cancel = booked.getString("cancelLink");
    assertTrue(reschedule.startsWith("https://book.example.com/public/v1/meetings/" + id + "?action=reschedule&token="),
        reschedule);
    assertTrue(cancel.startsWith("https://book.example.com/public/v1/meetings/" + id + "?action=cancel&token="), cancel);
    assertEquals(new JsonObject().put("id", id).put("name", "Intro call")
        .put("description", "Thirty minutes to get to know each other")
        .put("start", "2030-03-11T09:00:00Z").put("end", "2030-03-11T10:00:00Z").put("status", "upcoming")
        .put("hosts", new JsonArray().add(person(hostId, "dana@example.com", "Dana", "Lee")))
        .put("attendees", new JsonArray().add(person(patId, "pat@example.org", "Pat", "Quinn")))
        .put("notes", "About the pilot").put("rescheduleLink", reschedule).put("cancelLink", cancel), booked);

    JsonObject after = ok(visitor.get("/public/v1/meetingevents/intro-call/slots?start=2030-03-11&end=2030-03-11&duration=60")
        .await(), 200);
    assertEquals(new JsonArray().add(slot("2030-03-11T09:00:00+01:00", "2030-03-11T10:00:00+01:00"))
        .add(slot("2030-03-11T11:00:00+01:00", "2030-03-11T12:00:00+01:00")),
        after.getJsonObject("data").getJsonObject("slots").getJsonArray("2030-03-11"), "the booked hour is gone");

    JsonObject read = ok(visitor.get(path(reschedule)).await(), 200).getJsonObject("data");
    assertEquals("reschedule", read.getString("action"));
    assertEquals(new JsonObject().put("slug", "intro-call").put("durations", new JsonArray().add(30).add(60))
        .put("timezone", "Europe/Paris"), read.getJsonObject("meetingEvent"));

    JsonObject moved = ok(visitor.put(path(reschedule), booking("2030-03-18T09:30:00+01:00", 30, booker("pat@example.org")))
        .await(), 200).getJsonObject("data");
    assertEquals(id, moved.getString("id"));
    assertEquals("2030-03-18T08:30:00Z", moved.getString("start"));
    assertEquals("2030-03-18T09:00:00Z", moved.getString("end"));
    assertEquals("About the pilot", moved.getString("notes"), "absent notes are kept");
    assertEquals(patId, moved.getJsonArray("attendees").getJsonObject(0).getString("id"), "the booker keeps their id");
    assertNotEquals(reschedule, moved.getString("rescheduleLink"), "fresh links");

    JsonObject cancelled = ok(visitor.put(path(cancel).replace("?action=cancel", "/cancel?action=cancel"),
        new JsonObject().put("reason", "Found another time")).await(), 200).getJsonObject("data");
    assertEquals("cancelled", cancelled.getString("status"));

    List<Row> events = app.events(id);
    assertEquals(List.of("meeting.scheduled", "meeting.updated", "meeting.cancelled"),
        events.stream().map(r -> r.getString("type")).toList());
    JsonObject scheduled = (JsonObject) events.get(0).getValue("data");
    assertEquals("booking", scheduled.getString("source"));
    assertEquals(eventId, scheduled.getString("meeting_event_id"));
    assertEquals("intro-call", scheduled.getString("meeting_event_slug"));
    assertEquals("pat@example.org", scheduled.getString("booked_by"));
    assertEquals(reschedule, scheduled.getString("rescheduleLink"));
    JsonObject updated = (JsonObject) events.get(1).getValue("data");
    assertEquals("attendee", updated.getString("source"));
    assertEquals("pat@example.org", updated.getJsonObject("changes").getString("updated_by"));
    assertEquals("rescheduled_by_attendee", updated.getJsonObject("changes").getString("reason"));
    assertEquals(1, app.rescheduled(id).size());
    assertEquals("attendee", ((JsonObject) app.rescheduled(id).get(0).getValue("data")).getString("source"));
    JsonObject cancelData = (JsonObject) events.get(2).getValue("data");
    assertEquals("attendee", cancelData.getString("source"));
    assertEquals("pat@example.org", cancelData.getString("cancelled_by"));
    assertEquals("cancelled_by_attendee", cancelData.getString("reason"));
    assertEquals("Found another time", cancelData.getString("message"));

    JsonObject onAccounts = ok(acme.get("/v1/accounts/" + accountId + "/meetings/" + id).await(), 200).getJsonObject("data");
    assertEquals(new JsonObject().put("id", eventId).put("slug", "intro-call"), onAccounts.getJsonObject("meetingEvent"));
    JsonObject onPlatform = ok(acme.get("/v1/meetings/" + id).await(), 200);
    assertEquals("booking", onPlatform.getString("source"), onPlatform.encode());
    assertEquals(eventId, onPlatform.getString("meeting_event_id"));
  }

  static JsonObject slot(String start, String end) {
    return new JsonObject().put("start", start).put("end", end);
  }

  static JsonObject person(String id, String email, String first, String last) {
    return new JsonObject().put("id", id).put("email", email).put("firstName", first).put("lastName", last);
  }
}
