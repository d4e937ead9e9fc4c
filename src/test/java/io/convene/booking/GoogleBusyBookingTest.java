package io.convene.booking;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.calendar.FakeGoogle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
import static io.convene.booking.BookingFixture.ok;
import static io.convene.booking.BookingRoundTripTest.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hosts busy through Google (contracts-scheduling.md §B4, §B8): an event on a calendar connection, against FakeGoogle. */
@ExtendWith(VertxExtension.class)
class GoogleBusyBookingTest {
  private FakeGoogle google;
  private TestApp app;
  private TestCalls acme;
  private TestCalls visitor;
  private String accountId;
  private String connectionId;

  @BeforeEach
  void start(Vertx vertx) {
    google = FakeGoogle.start(vertx).await();
    Map<String, String> env = new HashMap<>(google.env());
    env.put("CONVENE_WORKERS", "api");
    env.put("CONVENE_FREEBUSY_TIMEOUT_MS", "1000");
    env.put("CONVENE_BOOKING_HORIZON_DAYS", BookingFixture.HORIZON_DAYS);
    env.put("CONVENE_PUBLIC_RATE_LIMIT_PER_MINUTE", "0");
    app = TestApp.start(vertx, env).await();
    JsonObject account = app.createAccount("Acme").await();
    accountId = account.getString("id");
    acme = TestCalls.withKey(app, account.getString("api_key"));
    visitor = BookingFixture.anonymous(app);
    HttpResponse<Buffer> imported = app.client.post("/admin/v1/accounts/" + accountId + "/calendar-connections")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("user_email", "chris@example.com")
            .put("refresh_token", google.grant("chris@example.com").await())).await();
    connectionId = ok(imported, 201).getJsonObject("connection").getString("id");
    JsonObject event = BookingFixture.intro().put("calendar", new JsonObject().put("connection",
        new JsonObject().put("id", connectionId)));
    event.remove("hosts");
    ok(acme.post("/v1/accounts/" + accountId + "/meetingevents", event).await(), 201);
  }

  @Test
  void googleBusyTimeRemovesSlotsAndRefusesBookings() {
    google.addEvent("chris@example.com", "2030-03-11T09:00:00Z", "2030-03-11T09:30:00Z", false).await();
    google.addEvent("chris@example.com", "2030-03-11T10:00:00Z", "2030-03-11T10:30:00Z", true).await();
    JsonObject slots = ok(visitor.get("/public/v1/meetingevents/intro-call/slots?start=2030-03-11&end=2030-03-11").await(), 200)
        .getJsonObject("data").getJsonObject("slots");
    assertEquals(new JsonArray()
            .add(slot("2030-03-11T09:00:00+01:00", "2030-03-11T09:30:00+01:00"))
            .add(slot("2030-03-11T09:30:00+01:00", "2030-03-11T10:00:00+01:00"))
            .add(slot("2030-03-11T10:30:00+01:00", "2030-03-11T11:00:00+01:00"))
            .add(slot("2030-03-11T11:00:00+01:00", "2030-03-11T11:30:00+01:00"))
            .add(slot("2030-03-11T11:30:00+01:00", "2030-03-11T12:00:00+01:00")),
        slots.getJsonArray("2030-03-11"), "busy 10:00-10:30 Paris; a transparent event is free time");
    assertError(visitor.post("/public/v1/meetingevents/intro-call/book",
            booking("2030-03-11T10:00:00+01:00", 30, booker("pat@example.org"))).await(), 409, "slot_taken",
        "a host is no longer free at this time; pick another slot", null);

    JsonObject booked = ok(visitor.post("/public/v1/meetingevents/intro-call/book",
        booking("2030-03-11T11:00:00+01:00", 30, booker("pat@example.org"))).await(), 200).getJsonObject("data");
    assertEquals("chris@example.com", booked.getJsonArray("hosts").getJsonObject(0).getString("email"),
        "the connection's user hosts");
    JsonObject meeting = ok(acme.get("/v1/accounts/" + accountId + "/meetings/" + booked.getString("id")).await(), 200)
        .getJsonObject("data");
    assertEquals(connectionId, meeting.getJsonObject("calendar").getJsonObject("connection").getString("id"));
    assertEquals("google_meet", meeting.getJsonObject("conferencing").getString("provider"));
  }

  @Test
  void googleDownIsABadGatewayNotAFreeSlot() {
    JsonObject backendError = FakeGoogle.errorBody(500, "global", "backendError", "Backend Error");
    google.failNext("POST", "/freeBusy", 500, backendError).await();
    google.failNext("POST", "/freeBusy", 500, backendError).await();
    HttpResponse<Buffer> refused = visitor.post("/public/v1/meetingevents/intro-call/book",
        booking("2030-03-11T11:00:00+01:00", 30, booker("pat@example.org"))).await();
    assertEquals(502, refused.statusCode(), refused.bodyAsString());
    assertEquals("calendar_unavailable", refused.bodyAsJsonObject().getJsonObject("error").getString("code"));
    assertEquals(0L, app.database.pool(app.vertx).query("SELECT count(*) FROM meetings").execute().await().iterator().next()
        .getLong(0));
  }
}
