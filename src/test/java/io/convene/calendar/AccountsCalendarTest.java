package io.convene.calendar;

import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static io.convene.calendar.CalendarFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class AccountsCalendarTest {

  @Test
  void anAccountsMeetingOnAConnectedCalendarIsMirroredAndShowsItsConnection(Vertx vertx) {
    CalendarFixture f = CalendarFixture.start(vertx, vertx, Map.of());
    f.connect("alice@example.com");
    String connectionId = f.rows("SELECT id FROM calendar_connections").get(0).getString("id");
    TestCalls acme = TestCalls.withKey(f.app, await(f.app.accessToken(f.account)));
    String meetings = "/v1/accounts/" + f.accountId() + "/meetings";
    JsonObject body = new JsonObject()
        .put("name", "Quarterly review")
        .put("start", "2023-11-07T05:31:56Z")
        .put("end", "2023-11-07T06:31:56Z")
        .put("calendar", new JsonObject().put("connection", new JsonObject().put("id", connectionId)))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "alice@example.com")))
        .put("attendees", new JsonArray().add(new JsonObject().put("email", "bob@example.com")))
        .put("conferencing", new JsonObject().put("provider", "google_meet"));
    HttpResponse<Buffer> created = await(acme.post(meetings, body));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject data = created.bodyAsJsonObject().getJsonObject("data");
    JsonObject connection = data.getJsonObject("calendar").getJsonObject("connection");
    assertEquals(connectionId, connection.getString("id"));
    assertEquals("alice@example.com", connection.getJsonObject("user").getString("email"));
    assertTrue(connection.getString("connectedAt").endsWith("Z"));
    assertEquals("pending", data.getJsonObject("calendar_sync").getString("status"));
    String id = data.getString("id");
    f.outcomes.await(id, "synced");

    FakeGoogle.Request insert = await(f.google.eventRequests()).get(0);
    assertEquals(new JsonArray().add(new JsonObject().put("email", "alice@example.com"))
        .add(new JsonObject().put("email", "bob@example.com")), insert.json().getJsonArray("attendees"));
    String link = await(f.google.event("alice@example.com", insert.json().getString("id"))).getString("hangoutLink");
    JsonObject read = await(acme.get(meetings + "/" + id)).bodyAsJsonObject().getJsonObject("data");
    assertEquals(new JsonObject().put("provider", "google_meet").put("joinUrl", link), read.getJsonObject("conferencing"));
    assertEquals(new JsonObject().put("status", "synced").put("error", null), read.getJsonObject("calendar_sync"));
    assertEquals(connection, read.getJsonObject("calendar").getJsonObject("connection"));
    // The Platform API reads the meeting without the connection's details, but with its calendar state.
    JsonObject platformRead = await(f.platform.get("/v1/meetings/" + id)).bodyAsJsonObject();
    assertEquals(link, platformRead.getString("meet_link"));
    assertEquals(new JsonObject().put("status", "synced").put("error", null), platformRead.getJsonObject("calendar_sync"));
    assertEquals(platformRead.getJsonObject("calendar_sync"), await(f.platform.get("/v1/meetings?limit=1"))
        .bodyAsJsonObject().getJsonArray("meetings").getJsonObject(0).getJsonObject("calendar_sync"));

    // The seed's PUT sends the whole meeting back: connection, joinUrl and all.
    JsonObject update = read.copy().put("start", "2023-11-08T05:31:56Z").put("end", "2023-11-08T06:31:56Z");
    HttpResponse<Buffer> updated = await(acme.put(meetings + "/" + id, update));
    assertEquals(200, updated.statusCode(), updated.bodyAsString());
    f.outcomes.await(id, "synced");
    List<FakeGoogle.Request> requests = await(f.google.eventRequests());
    assertEquals(List.of("POST", "PATCH"), requests.stream().map(FakeGoogle.Request::method).toList());
    assertEquals(Map.of("sendUpdates", "all"), Map.of("sendUpdates", requests.get(1).query().get("sendUpdates")));
    assertEquals(null, requests.get(1).query().get("conferenceDataVersion"), "the Meet link is kept");
    assertEquals(link, await(acme.get(meetings + "/" + id)).bodyAsJsonObject().getJsonObject("data")
        .getJsonObject("conferencing").getString("joinUrl"));

    assertError(await(acme.post(meetings, body.copy().put("calendar",
            new JsonObject().put("connection", new JsonObject().put("id", "cal_nope"))))), 400,
        "unknown_calendar_connection", "calendar.connection.id names no calendar connection of this account",
        "calendar.connection.id");
  }
}
