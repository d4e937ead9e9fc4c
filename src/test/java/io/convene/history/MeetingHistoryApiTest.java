package io.convene.history;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Each meeting's change history (contracts-scheduling.md §C) on both surfaces. */
@ExtendWith(VertxExtension.class)
class MeetingHistoryApiTest {
  private TestApp app;
  private String acmeId;
  private TestCalls acme;
  private TestCalls globex;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx).await();
    JsonObject account = app.createAccount("Acme").await();
    acmeId = account.getString("id");
    acme = TestCalls.withKey(app, account.getString("api_key"));
    globex = TestCalls.withKey(app, app.createAccount("Globex").await().getString("api_key"));
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private String schedule() {
    return ok(acme.post("/v1/schedule", new JsonObject().put("attendees", new JsonArray().add("alice@example.com"))
        .put("start_time", "2030-03-12T10:00:00Z").put("duration_minutes", 30).put("title", "Intro")).await())
        .getString("meeting_id");
  }

  private void move(String id, String start, String end) {
    ok(acme.put("/v1/meetings/" + id, new JsonObject().put("start_time", start).put("end_time", end)).await());
  }

  /**
   * The events as the webhook envelopes carry them: id, type, timestamp (to the second), sequence (the
   * data's, also for meeting.rescheduled, whose column is empty), data.
   */
  private List<JsonObject> stored(String meetingId) {
    List<JsonObject> out = new ArrayList<>();
    for (Row row : app.database.pool(app.vertx).preparedQuery("SELECT id, type, sequence, data, created_at FROM events"
        + " WHERE meeting_id = $1 ORDER BY seq").execute(Tuple.of(meetingId)).await()) {
      out.add(new JsonObject().put("id", row.getString("id")).put("event_type", row.getString("type"))
          .put("timestamp", io.convene.time.Rfc3339.formatUtc(row.getOffsetDateTime("created_at").truncatedTo(ChronoUnit.SECONDS)))
          .put("sequence", ((JsonObject) row.getValue("data")).getInteger("sequence")).put("data", row.getValue("data")));
    }
    return out;
  }

  @Test
  void aScheduleTwoUpdatesAndACancelAreFourItemsInOrderWithTheirMoves() {
    String id = schedule();
    move(id, "2030-03-12T11:00:00Z", "2030-03-12T11:30:00Z");
    move(id, "2030-03-13T11:00:00Z", "2030-03-13T11:30:00Z");
    ok(acme.delete("/v1/meetings/" + id).await());
    ok(acme.put("/v1/platform/users/alice%40example.com/preferences", new JsonObject()).await());
    List<JsonObject> events = stored(id);
    assertEquals(List.of("meeting.scheduled", "meeting.updated", "meeting.rescheduled", "meeting.updated",
        "meeting.rescheduled", "meeting.cancelled"), events.stream().map(e -> e.getString("event_type")).toList());
    assertEquals(List.of(1, 2, 2, 3, 3, 4), events.stream().map(e -> e.getInteger("sequence")).toList());
    assertEquals(id, events.get(2).getJsonObject("data").getString("new_meeting_id"));
    assertEquals(new JsonObject().put("success", true).put("meeting_id", id).put("events", new JsonArray(events))
        .put("next_cursor", null).put("has_more", false), ok(acme.get("/v1/meetings/" + id + "/events").await()),
        "a cancelled meeting keeps its history; user events never appear");
    assertEquals(new JsonArray().add(events.get(1)).add(events.get(3)),
        ok(acme.get("/v1/meetings/" + id + "/events?event_type=meeting.updated").await()).getJsonArray("events"));

    JsonArray accountsItems = new JsonArray();
    for (JsonObject e : events.subList(1, 3)) {
      accountsItems.add(new JsonObject().put("id", e.getString("id")).put("type", e.getString("event_type"))
          .put("createdAt", e.getString("timestamp")).put("sequence", e.getInteger("sequence")).put("data", e.getValue("data")));
    }
    assertEquals(new JsonObject().put("success", true)
        .put("pagination", new JsonObject().put("limit", 2).put("offset", 1).put("hasNext", true))
        .put("data", accountsItems), ok(acme.get("/v1/accounts/" + acmeId + "/meetings/" + id + "/events?offset=1&limit=2")
        .await()));
    assertEquals(1, ok(acme.get("/v1/accounts/" + acmeId + "/meetings/" + id + "/events?type=meeting.cancelled").await())
        .getJsonArray("data").size());
  }

  @Test
  void pagesFollowInsertionOrderWhileChangesArrive() {
    String id = schedule();
    String other = schedule();
    move(id, "2030-03-12T11:00:00Z", "2030-03-12T11:30:00Z");
    JsonObject first = ok(acme.get("/v1/meetings/" + id + "/events?limit=2").await());
    assertEquals(List.of("meeting.scheduled 1", "meeting.updated 2"), items(first));
    assertEquals(true, first.getBoolean("has_more"));
    move(other, "2030-03-14T11:00:00Z", "2030-03-14T11:30:00Z");
    move(id, "2030-03-15T11:00:00Z", "2030-03-15T11:30:00Z");
    JsonObject second = ok(acme.get("/v1/meetings/" + id + "/events?limit=2&cursor=" + first.getString("next_cursor")).await());
    assertEquals(List.of("meeting.rescheduled 2", "meeting.updated 3"), items(second));
    assertEquals("2030-03-15T11:00:00Z", second.getJsonArray("events").getJsonObject(1).getJsonObject("data")
        .getJsonObject("changes").getString("new_start_time"), "the write made between pages is on the next page");
    assertEquals(true, second.getBoolean("has_more"));
    JsonObject third = ok(acme.get("/v1/meetings/" + id + "/events?limit=2&cursor=" + second.getString("next_cursor")).await());
    assertEquals(List.of("meeting.rescheduled 3"), items(third));
    assertEquals(false, third.getBoolean("has_more"));
    assertEquals(null, third.getValue("next_cursor"));
  }

  private static List<String> items(JsonObject page) {
    return page.getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("event_type") + " " + ((JsonObject) e).getInteger("sequence")).toList();
  }

  @Test
  void badQueriesAndForeignMeetings() {
    String id = schedule();
    assertError(acme.get("/v1/meetings/" + id + "/events?cursor=nope").await(), 400, "invalid_cursor",
        "cursor is not one this API returned", "cursor");
    assertError(acme.get("/v1/meetings/" + id + "/events?event_type=meeting.deleted").await(), 400, "unknown_event_type",
        "event_type must be one of meeting.scheduled, meeting.updated, meeting.cancelled, meeting.rescheduled,"
            + " meeting.calendar_sync_failed", "event_type");
    assertError(acme.get("/v1/meetings/" + id + "/events?limit=201").await(), 400, "invalid_field",
        "limit must be a whole number from 1 to 200", "limit");
    assertError(acme.get("/v1/accounts/" + acmeId + "/meetings/" + id + "/events?limit=101").await(), 400, "invalid_field",
        "limit must be a whole number from 1 to 100", "limit");
    assertError(acme.get("/v1/accounts/" + acmeId + "/meetings/" + id + "/events?type=user.preferences.updated").await(),
        400, "unknown_event_type", "type must be one of meeting.scheduled, meeting.updated, meeting.cancelled,"
            + " meeting.rescheduled, meeting.calendar_sync_failed", "type");
    assertError(globex.get("/v1/meetings/" + id + "/events").await(), 404, "meeting_not_found",
        "meeting " + id + " not found", null);
    assertError(acme.get("/v1/meetings/meet_unknown/events").await(), 404, "meeting_not_found",
        "meeting meet_unknown not found", null);
    assertError(globex.get("/v1/accounts/" + acmeId + "/meetings/" + id + "/events").await(), 403, "account_forbidden",
        "this credential may not act on account " + acmeId, null);
  }
}
