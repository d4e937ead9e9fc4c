package io.convene.webhook;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.booking.BookingFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.convene.booking.BookingFixture.booker;
import static io.convene.booking.BookingFixture.booking;
import static io.convene.booking.BookingFixture.ok;
import static io.convene.booking.BookingFixture.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a booking page's changes send (contracts-scheduling.md §B9), delivered and signed like every event. */
@ExtendWith(VertxExtension.class)
class BookingWebhookTest {
  private Receiver receiver;

  @AfterEach
  void stop() {
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void bookRescheduleAndCancelArriveWithTheirSource(Vertx vertx) {
    Map<String, String> env = new HashMap<>(WebhookDeliveryTest.FAST);
    env.put("CONVENE_BOOKING_HORIZON_DAYS", BookingFixture.HORIZON_DAYS);
    TestApp app = TestApp.start(vertx, env).await();
    JsonObject account = app.createAccount("Acme").await();
    String accountId = account.getString("id");
    TestCalls acme = TestCalls.withKey(app, account.getString("api_key"));
    receiver = Receiver.start(vertx, Receiver.answering(200));
    HttpResponse<Buffer> registered = acme.post("/v1/accounts/" + accountId + "/webhooks", new JsonObject()
        .put("url", receiver.url()).put("eventTypes", new JsonArray().add("meeting.scheduled").add("meeting.updated")
            .add("meeting.rescheduled").add("meeting.cancelled"))).await();
    String secret = ok(registered, 201).getJsonObject("data").getString("secret");
    String eventId = ok(acme.post("/v1/accounts/" + accountId + "/meetingevents", BookingFixture.intro()).await(), 201)
        .getJsonObject("data").getString("id");
    assertEquals(201, acme.post("/v1/accounts/" + accountId + "/meetingevents/" + eventId + "/duplicate", null).await()
        .statusCode());

    TestCalls visitor = BookingFixture.anonymous(app);
    JsonObject booked = ok(visitor.post("/public/v1/meetingevents/intro-call/book",
        booking("2030-03-11T10:00:00+01:00", 30, booker("pat@example.org"))).await(), 200).getJsonObject("data");
    String link = path(booked.getString("rescheduleLink"));
    ok(visitor.put(link, booking("2030-03-18T10:00:00+01:00", 30, booker("pat@example.org"))).await(), 200);
    ok(visitor.put(link.replace("?", "/cancel?"), new JsonObject().put("reason", "Something came up")).await(), 200);

    List<Receiver.Request> got = List.of(receiver.await(0), receiver.await(1), receiver.await(2), receiver.await(3));
    Map<String, JsonObject> byType = new HashMap<>();
    for (Receiver.Request r : got) {
      assertTrue(SignatureCheck.verifies(secret, r.headers(), r.body()));
      byType.put(r.json().getString("event_type"), r.json().getJsonObject("data"));
    }
    JsonObject scheduled = byType.get("meeting.scheduled");
    assertEquals("booking", scheduled.getString("source"));
    assertEquals(eventId, scheduled.getString("meeting_event_id"));
    assertEquals("intro-call", scheduled.getString("meeting_event_slug"));
    assertEquals("pat@example.org", scheduled.getString("booked_by"));
    assertEquals(booked.getString("rescheduleLink"), scheduled.getString("rescheduleLink"));
    assertEquals(booked.getString("cancelLink"), scheduled.getString("cancelLink"));
    assertEquals("attendee", byType.get("meeting.updated").getString("source"));
    assertEquals("rescheduled_by_attendee", byType.get("meeting.updated").getJsonObject("changes").getString("reason"));
    assertEquals("attendee", byType.get("meeting.rescheduled").getString("source"));
    JsonObject cancelled = byType.get("meeting.cancelled");
    assertEquals("attendee", cancelled.getString("source"));
    assertEquals("pat@example.org", cancelled.getString("cancelled_by"));
    assertEquals("cancelled_by_attendee", cancelled.getString("reason"));
    assertEquals("Something came up", cancelled.getString("message"));
    assertEquals(4, receiver.requests().size(), "meeting-event changes send nothing");
  }
}
