package io.convene.scheduling;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingDraft;
import io.convene.meeting.MeetingStore;
import io.convene.meeting.MeetingStoreException;
import io.convene.meeting.Person;
import io.convene.scheduling.SlotFinder.Slot;
import io.vertx.core.Future;
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

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/schedule/auto} and {@code POST /v1/meetings/{id}/reschedule} (contracts-scheduling.md §A7, §A8, §B8). */
@ExtendWith(VertxExtension.class)
class AutoScheduleApiTest {
  private static final String MID_MORNING = "Mid-morning for everyone; inside 8am-6pm for everyone";
  private static final JsonObject DAY = new JsonObject().put("start", "2030-03-12T00:00:00Z").put("end", "2030-03-13T00:00:00Z");

  private TestApp app;
  private String accountId;
  private TestCalls acme;
  private TestCalls globex;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx).await();
    JsonObject account = app.createAccount("Acme").await();
    accountId = account.getString("id");
    acme = TestCalls.withKey(app, account.getString("api_key"));
    globex = TestCalls.withKey(app, app.createAccount("Globex").await().getString("api_key"));
    assertEquals(200, acme.put("/v1/platform/users/u%40example.com/preferences", new JsonObject().put("timezone", "UTC"))
        .await().statusCode());
  }

  private static JsonObject auto(String... attendees) {
    return new JsonObject().put("attendees", new JsonArray(List.of(attendees))).put("duration_minutes", 30)
        .put("title", "Intro").put("context", "one_on_one").put("earliest_date", "2030-03-12")
        .put("latest_date", "2030-03-12").put("auto", true);
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject slot(String start, String end, double score, String reason) {
    return new JsonObject().put("start_time", start).put("end_time", end).put("score", score).put("timezone", "UTC")
        .put("reason", reason);
  }

  @Test
  void autoBooksTheBestSlotLikeSchedule() {
    HttpResponse<Buffer> response = acme.post("/v1/schedule/auto", auto("u@example.com")).await();
    JsonObject body = ok(response);
    String id = body.getJsonObject("meeting").getString("meeting_id");
    assertEquals(new JsonObject()
        .put("success", true)
        .put("chosen_slot", slot("2030-03-12T10:00:00Z", "2030-03-12T10:30:00Z", 0.91, MID_MORNING))
        .put("meeting", new JsonObject().put("meeting_id", id).put("start_time", "2030-03-12T10:00:00Z")
            .put("end_time", "2030-03-12T10:30:00Z").put("title", "Intro")
            .put("attendees", new JsonArray().add("u@example.com")).put("location", "Google Meet").put("meet_link", null))
        .put("agent_reasoning", "Picked Tue 2030-03-12 10:00-10:30 UTC, the best of 31 free times between 2030-03-12 and"
            + " 2030-03-12 for u@example.com: mid-morning for everyone; inside 8am-6pm for everyone. Score 0.91."), body);
    assertEquals("\"" + id + ".1\"", response.getHeader("ETag"));
    assertEquals("meeting.scheduled", app.events(id).get(0).getString("type"));
    assertEquals("auto", ((JsonObject) app.events(id).get(0).getValue("data")).getString("source"));
    JsonObject next = ok(acme.post("/v1/schedule/auto", auto("u@example.com")).await());
    assertEquals("2030-03-12T10:30:00Z", next.getJsonObject("meeting").getString("start_time"), "the first is busy now");
  }

  /** Several auto-schedules for one person at once: every one that succeeds has a time no other took. */
  @Test
  void simultaneousAutoSchedulesNeverShareASlot() {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(acme.post("/v1/schedule/auto", auto("u@example.com")));
    }
    List<Instant> starts = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> response = call.await();
      if (response.statusCode() == 200) {
        starts.add(Instant.parse(response.bodyAsJsonObject().getJsonObject("meeting").getString("start_time")));
      } else {
        assertError(response, 409, "no_availability", "no time in the window suits every attendee", null);
      }
    }
    assertFalse(starts.isEmpty());
    for (int i = 0; i < starts.size(); i++) {
      for (int j = i + 1; j < starts.size(); j++) {
        assertTrue(Math.abs(starts.get(i).getEpochSecond() - starts.get(j).getEpochSecond()) >= 1800,
            "overlap: " + starts);
      }
    }
  }

  /** The guard itself, through the store's API: a slot taken meanwhile is skipped, and none left is declined. */
  @Test
  void theGuardTakesTheNextSlotOrDeclines() {
    MeetingStore store = new MeetingStore(app.vertx.eventBus());
    ok(acme.post("/v1/schedule", new JsonObject().put("attendees", new JsonArray().add("U@example.com"))
        .put("start_time", "2030-03-12T10:00:00Z").put("duration_minutes", 30).put("title", "Taken")).await());
    Preferences utc = Preferences.fromJson(Preferences.effectiveJson(null, null));
    List<Slot> offered = List.of(offered("2030-03-12T10:15:00Z"), offered("2030-03-12T11:00:00Z"));
    SlotGuard guard = new SlotGuard(accountId, List.of("u@example.com"), List.of(utc), offered, null, ZoneId.of("UTC"), "auto");
    MeetingDraft proposed = new MeetingDraft("Auto", null, "Google Meet", OffsetDateTime.parse("2030-03-12T10:15:00Z"),
        OffsetDateTime.parse("2030-03-12T10:45:00Z"), List.of(), List.of(Person.withEmail("u@example.com")), null, null, null);
    Meeting made = store.send(new CreateMeeting(accountId, proposed, guard)).await();
    assertEquals(OffsetDateTime.parse("2030-03-12T11:00:00Z"), made.start());
    Throwable declined = store.send(new CreateMeeting(accountId, proposed, guard)).map(m -> (Throwable) null)
        .recover(Future::succeededFuture).await();
    assertTrue(declined instanceof MeetingStoreException, "declined: " + declined);
    assertEquals(MeetingStoreException.Kind.DECLINED, ((MeetingStoreException) declined).kind());
    assertEquals(2L, app.database.pool(app.vertx).query("SELECT count(*) FROM meetings").execute().await()
        .iterator().next().getLong(0), "nothing was created when declined");
  }

  private static Slot offered(String start) {
    Instant s = Instant.parse(start);
    return new Slot(s, s.plusSeconds(1800), BigDecimal.ONE, BigDecimal.ONE, "Inside 8am-6pm for everyone");
  }

  @Test
  void autoRefusals() {
    assertError(acme.post("/v1/schedule/auto", auto("u@example.com").put("context", "party")).await(), 400,
        "invalid_context", "context must be one of warm_intro, cold_outreach, investor_call, client_demo, team_standup,"
            + " one_on_one, interview, sales_call, strategy_session, brainstorm, review, casual_chat, urgent", "context");
    assertError(acme.post("/v1/schedule/auto", auto("u@example.com").put("title", null)).await(), 400, "invalid_field",
        "title is required and must be a non-empty string", "title");
    assertError(acme.post("/v1/schedule/auto", auto("u@example.com").put("latest_date", "2030-03-10")).await(), 400,
        "invalid_date_range", "the window's end must be after its start", "latest_date");
    assertError(acme.post("/v1/schedule/auto", auto("u@example.com").put("earliest_date", "2030-03-16")
        .put("latest_date", "2030-03-17")).await(), 409, "no_availability", "no time in the window suits every attendee",
        null);
    assertError(globex.post("/v1/schedule/auto", auto("u@example.com")).await(), 404, "user_not_found",
        "user u@example.com is not known: store preferences for them or have them connect their calendar"
            + " (GET /v1/platform/oauth-url)", "attendees[0]");
    assertEquals(0L, app.database.pool(app.vertx).query("SELECT count(*) FROM meetings").execute().await()
        .iterator().next().getLong(0));
  }

  private String booked() {
    return ok(acme.post("/v1/schedule/auto", auto("u@example.com")).await()).getJsonObject("meeting").getString("meeting_id");
  }

  private static JsonObject reschedule(String id) {
    return new JsonObject().put("meeting_id", id).put("requested_by", "U@example.com").put("reason", "A conflict came up")
        .put("preferred_time_range", DAY);
  }

  @Test
  void rescheduleMovesTheMeetingToTheNextGoodTimeKeepingItsId() {
    String id = booked();
    HttpResponse<Buffer> response = acme.post("/v1/meetings/" + id + "/reschedule", reschedule(id)).await();
    assertEquals(new JsonObject()
        .put("success", true)
        .put("new_meeting_id", id)
        .put("new_meeting_time", "2030-03-12T10:30:00Z")
        .put("reasoning", "Picked Tue 2030-03-12 10:30-11:00 UTC, the best of 28 free times between 2030-03-12 and"
            + " 2030-03-12 for u@example.com: mid-morning for everyone; inside 8am-6pm for everyone. Score 0.91.")
        .put("learned_from", "Nothing: Convene does not learn from reasons. The reason is in the meeting's history.")
        .put("meeting_id", id)
        .put("start_time", "2030-03-12T10:30:00Z")
        .put("end_time", "2030-03-12T11:00:00Z")
        .put("chosen_slot", slot("2030-03-12T10:30:00Z", "2030-03-12T11:00:00Z", 0.91, MID_MORNING)), ok(response));
    assertEquals("\"" + id + ".2\"", response.getHeader("ETag"));
    Row updated = app.events(id).get(1);
    assertEquals("meeting.updated", updated.getString("type"));
    JsonObject changes = ((JsonObject) updated.getValue("data")).getJsonObject("changes");
    assertEquals("A conflict came up", changes.getString("reason"));
    assertEquals("2030-03-12T10:00:00Z", changes.getString("old_start_time"));
    assertEquals("2030-03-12T10:30:00Z", changes.getString("new_start_time"));
    assertEquals("U@example.com", changes.getString("requested_by"));
    assertEquals("reschedule", ((JsonObject) updated.getValue("data")).getString("source"));
    assertEquals(List.of(((JsonObject) updated.getValue("data")).copy().put("new_meeting_id", id)),
        app.rescheduled(id).stream().map(r -> r.getValue("data")).toList());
  }

  @Test
  void rescheduleRefusals() {
    String id = booked();
    assertError(acme.post("/v1/meetings/" + id + "/reschedule", reschedule("meet_other")).await(), 400, "invalid_field",
        "meeting_id is required and must equal the meeting id in the path", "meeting_id");
    assertError(acme.post("/v1/meetings/" + id + "/reschedule", reschedule(id).put("requested_by", "x@example.com")).await(),
        400, "invalid_field", "requested_by must be an attendee or host of the meeting", "requested_by");
    assertError(acme.post("/v1/meetings/" + id + "/reschedule", reschedule(id).put("reason", "")).await(), 400,
        "invalid_field", "reason is required and must be a non-empty string", "reason");
    assertError(acme.post("/v1/meetings/" + id + "/reschedule", reschedule(id).put("preferred_time_range", new JsonObject()
        .put("start", "2030-03-12T10:00:00Z").put("end", "2030-03-12T09:00:00Z"))).await(), 400, "invalid_date_range",
        "the window's end must be after its start", "preferred_time_range");
    assertError(globex.post("/v1/meetings/" + id + "/reschedule", reschedule(id)).await(), 404, "meeting_not_found",
        "meeting " + id + " not found", null);
    assertError(acme.header("If-Match", "\"" + id + ".7\"").post("/v1/meetings/" + id + "/reschedule", reschedule(id))
        .await(), 412, "precondition_failed", "If-Match does not match the meeting's current ETag; read it again and retry",
        null);
    // Only its own half hour is free that day: nothing else to move to, and the meeting stays.
    assertEquals(200, acme.put("/v1/platform/users/u%40example.com/preferences", new JsonObject().put("work_hours",
        new JsonObject().put("tuesday", new JsonObject().put("start", "10:00").put("end", "10:30")))).await().statusCode());
    assertError(acme.post("/v1/meetings/" + id + "/reschedule", reschedule(id)).await(), 409, "no_availability",
        "no time in the window suits every attendee", null);
    assertEquals(1, app.events(id).size());
    assertEquals(200, acme.delete("/v1/meetings/" + id).await().statusCode());
    assertError(acme.post("/v1/meetings/" + id + "/reschedule", reschedule(id)).await(), 404, "meeting_not_found",
        "meeting " + id + " not found", null);
  }
}
