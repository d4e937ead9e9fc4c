package io.convene.calendar;

import io.convene.TestApp;
import io.convene.calendar.CalendarFixture.Outcomes;
import io.convene.calendar.FakeGoogle.Request;
import io.convene.meeting.Conferencing;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingChange.Replace;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.GetMeeting;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
import io.convene.meeting.MeetingDraft;
import io.convene.meeting.MeetingStore;
import io.convene.meeting.Person;
import io.convene.secrets.SecretBox;
import io.convene.time.Rfc3339;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.convene.calendar.CalendarFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Meetings mirrored onto Google Calendar (contracts.md §5): the exact requests Google receives for
 * a schedule, an update and a cancel, and how each documented failure is retried or surfaced.
 */
@ExtendWith(VertxExtension.class)
class CalendarSyncTest {
  static final String ALICE = "alice@example.com";
  static final String BOB = "bob@example.com";
  static final String CAROL = "carol@example.com";
  static final String EVENTS = "/calendar/v3/calendars/" + ALICE + "/events";
  static final JsonObject SCHEDULE = new JsonObject()
      .put("attendees", new JsonArray().add(ALICE).add(BOB))
      .put("start_time", "2025-11-25T14:00:00-08:00")
      .put("duration_minutes", 30)
      .put("title", "Intro call")
      .put("description", "Agenda");
  /** The seed page's example update. */
  static final JsonObject SEED_UPDATE = new JsonObject()
      .put("start_time", "2025-11-26T15:00:00-08:00")
      .put("end_time", "2025-11-26T15:30:00-08:00")
      .put("attendees", new JsonArray().add(ALICE).add(BOB))
      .put("reason", "Rescheduled due to conflict");

  private CalendarFixture f;

  private CalendarFixture start(Vertx vertx, Map<String, String> env) {
    f = CalendarFixture.start(vertx, vertx, env);
    return f;
  }

  private CalendarFixture start(Vertx vertx) {
    return start(vertx, Map.of());
  }

  private List<Request> eventRequests() {
    return await(f.google.eventRequests());
  }

  private long refreshes() {
    return await(f.google.requests()).stream()
        .filter(r -> r.path().equals("/token") && "refresh_token".equals(r.form().get("grant_type"))).count();
  }

  private static String line(Request r) {
    return r.method() + " " + r.path();
  }

  private static Map<String, String> params(MultiMap query) {
    Map<String, String> out = new HashMap<>();
    query.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private String update(String id, String start, String end) {
    f.ok(f.platform.put("/v1/meetings/" + id, new JsonObject().put("start_time", start).put("end_time", end)));
    return id;
  }

  private List<Row> failures(String meetingId) {
    return f.rows("SELECT sequence, data FROM events WHERE meeting_id = $1 AND type = 'meeting.calendar_sync_failed'",
        meetingId);
  }

  private int jobs(String meetingId) {
    return f.rows("SELECT 1 FROM calendar_sync_jobs WHERE meeting_id = $1", meetingId).size();
  }

  @Test
  void scheduleUpdateAndCancelSendExactlyTheDocumentedRequests(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    // Hold Google's answer to the insert, so that "pending" is read while the write is under way.
    Promise<Void> release = Promise.promise();
    var held = f.google.hold("POST", "/events", false, release.future());
    String id = f.schedule(SCHEDULE);
    await(held);
    assertEquals("pending", f.meeting(id).getJsonObject("calendar_sync").getString("status"));
    release.complete();
    f.outcomes.await(id, "synced");

    List<Request> all = await(f.google.requests());
    Request refresh = all.get(2);
    assertEquals("POST /token", line(refresh));
    String refreshToken = new SecretBox(Base64.getDecoder().decode(TestApp.SECRETS_KEY))
        .open(f.rows("SELECT refresh_token FROM calendar_connections").get(0).getString("refresh_token"));
    assertEquals(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
        "client_id", FakeGoogle.CLIENT_ID, "client_secret", FakeGoogle.CLIENT_SECRET), params(refresh.form()));

    Request insert = all.get(3);
    assertEquals("POST " + EVENTS, line(insert));
    assertEquals(Map.of("sendUpdates", "all", "conferenceDataVersion", "1"), params(insert.query()));
    String eventId = insert.json().getString("id");
    assertTrue(eventId.matches("[0-9a-f]{32}"), "32 lower-case hex characters are valid base32hex: " + eventId);
    assertEquals(new JsonObject()
        .put("id", eventId)
        .put("summary", "Intro call")
        .put("description", "Agenda")
        .put("location", "Google Meet")
        .put("start", new JsonObject().put("dateTime", "2025-11-25T14:00:00-08:00"))
        .put("end", new JsonObject().put("dateTime", "2025-11-25T14:30:00-08:00"))
        .put("attendees", new JsonArray().add(new JsonObject().put("email", ALICE)).add(new JsonObject().put("email", BOB)))
        .put("conferenceData", new JsonObject().put("createRequest", new JsonObject()
            .put("requestId", eventId)
            .put("conferenceSolutionKey", new JsonObject().put("type", "hangoutsMeet")))), insert.json());
    JsonObject created = await(f.google.event(ALICE, eventId));
    String meetLink = created.getString("hangoutLink");
    JsonObject read = f.meeting(id);
    assertEquals(meetLink, read.getString("meet_link"));
    assertEquals(new JsonObject().put("status", "synced").put("error", null), read.getJsonObject("calendar_sync"));

    f.ok(f.platform.put("/v1/meetings/" + id, SEED_UPDATE));
    f.outcomes.await(id, "synced");
    Request patch = eventRequests().get(1);
    assertEquals("PATCH " + EVENTS + "/" + eventId, line(patch));
    assertEquals(Map.of("sendUpdates", "all"), params(patch.query()), "no conference request: the link is kept");
    assertEquals(created.getString("etag"), patch.headers().get("If-Match"));
    assertEquals(insert.bearer(), patch.bearer(), "the access token is reused while it is fresh");
    assertEquals(new JsonObject()
        .put("summary", "Intro call")
        .put("description", "Agenda")
        .put("location", "Google Meet")
        .put("start", new JsonObject().put("dateTime", "2025-11-26T15:00:00-08:00"))
        .put("end", new JsonObject().put("dateTime", "2025-11-26T15:30:00-08:00"))
        .put("attendees", new JsonArray().add(new JsonObject().put("email", ALICE)).add(new JsonObject().put("email", BOB))),
        patch.json());
    assertEquals(meetLink, f.meeting(id).getString("meet_link"), "kept, not regenerated, on reschedule");

    f.ok(f.platform.delete("/v1/meetings/" + id));
    f.outcomes.await(id, "synced");
    Request delete = eventRequests().get(2);
    assertEquals("DELETE " + EVENTS + "/" + eventId, line(delete));
    assertEquals(Map.of("sendUpdates", "all"), params(delete.query()));
    assertEquals("", delete.body());
    assertEquals("cancelled", await(f.google.event(ALICE, eventId)).getString("status"));

    assertEquals(3, eventRequests().size(), eventRequests().toString());
    assertEquals(1, refreshes(), "one refresh served all three jobs");
    assertEquals(0, jobs(id));
    assertNotNull(f.ok(f.platform.get("/v1/calendars")).getJsonArray("connections").getJsonObject(0)
        .getString("last_used_at"));
  }

  @Test
  void aMeetingWithoutAConnectedAttendeeIsOnNoCalendar(Vertx vertx) {
    start(vertx);
    String id = f.schedule(SCHEDULE);
    update(id, "2025-11-26T15:00:00-08:00", "2025-11-26T15:30:00-08:00");
    JsonObject read = f.meeting(id);
    assertEquals(new JsonObject().put("status", "not_connected").put("error", null), read.getJsonObject("calendar_sync"));
    assertNull(read.getString("meet_link"));
    assertEquals(0, jobs(id), "no calendar work is queued");
    assertEquals(0L, f.rows("SELECT count(*) AS n FROM calendar_events").get(0).getLong("n"), "and no mirror state");
    assertEquals(List.of(), eventRequests());
  }

  @Test
  void aConnectionMadeAfterTheTenantsFirstMeetingsHoldsItsNextOnes(Vertx vertx) {
    start(vertx);
    String before = f.schedule(SCHEDULE);
    f.connect(ALICE);
    String first = f.schedule(SCHEDULE);
    String second = f.schedule(SCHEDULE);
    String elsewhere = f.schedule(SCHEDULE.copy().put("attendees", new JsonArray().add(CAROL)));
    f.outcomes.await(first, "synced");
    f.outcomes.await(second, "synced");
    assertEquals("not_connected", f.meeting(before).getJsonObject("calendar_sync").getString("status"));
    assertEquals("not_connected", f.meeting(elsewhere).getJsonObject("calendar_sync").getString("status"));
    assertEquals(List.of(0, 1, 1, 0), List.of(before, first, second, elsewhere).stream()
        .map(id -> f.rows("SELECT 1 FROM calendar_events WHERE meeting_id = $1", id).size()).toList());
    assertEquals(2, eventRequests().size());
    for (String id : List.of(before, first, second, elsewhere)) {
      assertEquals(List.of("meeting.scheduled"), f.app.events(id).stream().map(r -> r.getString("type")).toList());
    }
    assertEquals(4L, f.rows("SELECT count(*) AS n FROM meetings").get(0).getLong("n"));
  }

  @Test
  void theFirstAttendeeInRequestOrderWithAConnectionHoldsTheMeeting(Vertx vertx) {
    start(vertx);
    f.connect(BOB);
    f.connect(CAROL);
    String id = f.schedule(SCHEDULE.copy().put("attendees", new JsonArray().add(ALICE).add(CAROL).add(BOB)));
    f.outcomes.await(id, "synced");
    assertEquals("POST /calendar/v3/calendars/" + CAROL + "/events", line(eventRequests().get(0)));
  }

  @Test
  void aMeetingElsewhereThanGoogleMeetGetsNoConference(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    String id = f.schedule(SCHEDULE.copy().put("location", "Room 4"));
    f.outcomes.await(id, "synced");
    Request insert = eventRequests().get(0);
    assertEquals(Map.of("sendUpdates", "all"), params(insert.query()));
    assertNull(insert.json().getValue("conferenceData"));
    assertEquals("Room 4", insert.json().getString("location"));
    assertNull(f.meeting(id).getString("meet_link"));
  }

  @Test
  void aChangeMadeByAnotherInstanceWakesThisOneThroughNotify(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    // Another instance on the same database, without a sync worker of its own: only NOTIFY can wake
    // this one sooner than its 30-second poll.
    Vertx other = Vertx.vertx();
    try {
      TestApp api = await(TestApp.start(other, f.app.database, Map.of()));
      var response = await(io.convene.TestCalls.withKey(api, f.account.getString("api_key")).post("/v1/schedule", SCHEDULE));
      assertEquals(200, response.statusCode(), response.bodyAsString());
      String id = response.bodyAsJsonObject().getString("meeting_id");
      f.outcomes.await(id, "synced");
      assertEquals(1, eventRequests().size());
    } finally {
      await(other.close());
    }
  }

  @Test
  void aRetriedInsertThatGoogleAlreadyHasCountsAsDone(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    // Google stores the event, but the answer is lost on the way back.
    await(f.google.failNext("POST", "/events", 503, FakeGoogle.errorBody(503, "global", "backendError", "Backend Error"),
        Map.of(), true));
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "synced");
    List<Request> requests = eventRequests();
    String eventId = requests.get(0).json().getString("id");
    assertEquals(List.of("POST " + EVENTS, "POST " + EVENTS, "GET " + EVENTS + "/" + eventId, "PATCH " + EVENTS + "/" + eventId),
        requests.stream().map(CalendarSyncTest::line).toList());
    assertEquals(eventId, requests.get(1).json().getString("id"), "the retry carries the same event id");
    assertEquals(Map.of("sendUpdates", "all"), params(requests.get(3).query()), "the Meet link Google made is kept");
    assertEquals(List.of("retrying", "synced"), f.outcomes.of(id));
    assertEquals(await(f.google.event(ALICE, eventId)).getString("hangoutLink"), f.meeting(id).getString("meet_link"));
  }

  @Test
  void anEventChangedInGoogleIsReadAgainAndTheChangeReapplied(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "synced");
    String eventId = eventRequests().get(0).json().getString("id");
    String before = await(f.google.event(ALICE, eventId)).getString("etag");
    await(f.google.acceptInGoogle(ALICE, eventId, BOB));
    String after = await(f.google.event(ALICE, eventId)).getString("etag");

    f.ok(f.platform.put("/v1/meetings/" + id, SEED_UPDATE));
    f.outcomes.await(id, "synced");
    List<Request> requests = eventRequests();
    assertEquals(List.of("POST", "PATCH", "GET", "PATCH"), requests.stream().map(Request::method).toList());
    assertEquals(before, requests.get(1).headers().get("If-Match"));
    assertEquals(after, requests.get(3).headers().get("If-Match"));
    assertEquals(new JsonArray()
            .add(new JsonObject().put("email", ALICE).put("responseStatus", "needsAction"))
            .add(new JsonObject().put("email", BOB).put("responseStatus", "accepted")),
        requests.get(3).json().getJsonArray("attendees"), "RSVPs made in Google survive");
    JsonObject event = await(f.google.event(ALICE, eventId));
    assertEquals("2025-11-26T15:00:00-08:00", event.getJsonObject("start").getString("dateTime"));
    assertEquals("synced", f.meeting(id).getJsonObject("calendar_sync").getString("status"));
  }

  @Test
  void aWorkerWhoseJobWasTakenOverDoesNotReapplyItsOlderChange(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "synced");
    String eventId = eventRequests().get(0).json().getString("id");
    Promise<Void> release = Promise.promise();
    var held = f.google.hold("PATCH", "/events", false, release.future());
    update(id, "2025-11-26T15:00:00-08:00", "2025-11-26T15:30:00-08:00");
    await(held);
    // Meanwhile the lease ran out, another worker took the job and wrote a newer version.
    f.rows("UPDATE calendar_sync_jobs SET lease_token = 'someone-else' WHERE meeting_id = $1", id);
    await(f.google.acceptInGoogle(ALICE, eventId, BOB));
    release.complete();
    f.outcomes.await(id, "lost");
    assertEquals(List.of("POST", "PATCH"), eventRequests().stream().map(Request::method).toList(),
        "after the 412 it neither reads nor writes again");
  }

  @Test
  void rateLimitsAndServerErrorsAreRetriedWithBackoff(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    await(f.google.failNext("POST", "/events", 429,
        FakeGoogle.errorBody(429, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded"), Map.of("Retry-After", "0"),
        false));
    await(f.google.failNext("POST", "/events", 403,
        FakeGoogle.errorBody(403, "usageLimits", "rateLimitExceeded", "Rate Limit Exceeded")));
    await(f.google.failNext("POST", "/events", 403,
        FakeGoogle.errorBody(403, "usageLimits", "userRateLimitExceeded", "User Rate Limit Exceeded")));
    await(f.google.failNext("POST", "/events", 500, FakeGoogle.errorBody(500, "global", "backendError", "Backend Error")));
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "synced");
    assertEquals(List.of("retrying", "retrying", "retrying", "retrying", "synced"), f.outcomes.of(id));
    assertEquals(5, eventRequests().size());
    assertEquals(0, jobs(id));
    assertEquals(List.of(), failures(id));
  }

  @Test
  void otherForbiddenAndBadRequestAnswersArePermanentAndSaidOnTheMeetingAndInAWebhook(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    await(f.google.failNext("POST", "/events", 403, FakeGoogle.errorBody(403, "calendar", "forbiddenForNonOrganizer",
        "Shared properties can only be changed by the organizer of the event.")));
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "failed");
    String error = "Google answered 403 forbiddenForNonOrganizer: Shared properties can only be changed by the"
        + " organizer of the event.";
    assertEquals(new JsonObject().put("status", "failed").put("error", error), f.meeting(id).getJsonObject("calendar_sync"));
    assertEquals(1, eventRequests().size(), "not retried");
    assertEquals(0, jobs(id));
    List<Row> webhook = failures(id);
    assertEquals(1, webhook.size());
    assertNull(webhook.get(0).getValue("sequence"), "no clash with the meeting's own change events");
    JsonObject data = (JsonObject) webhook.get(0).getValue("data");
    assertEquals(new JsonObject().put("meeting_id", id).put("user_email", ALICE).put("error", error)
        .put("failed_at", data.getString("failed_at")).put("sequence", 1), data);

    update(id, "2025-11-26T15:00:00-08:00", "2025-11-26T15:30:00-08:00");
    f.outcomes.await(id, "synced");
    assertEquals("synced", f.meeting(id).getJsonObject("calendar_sync").getString("status"), "a later change tries again");

    await(f.google.failNext("POST", "/events", 400, FakeGoogle.errorBody(400, "global", "invalid", "Invalid attendee email.")));
    String second = f.schedule(SCHEDULE);
    f.outcomes.await(second, "failed");
    assertEquals("Google answered 400 invalid: Invalid attendee email.",
        f.meeting(second).getJsonObject("calendar_sync").getString("error"));
    assertEquals(1, failures(second).size());
  }

  @Test
  void anExpiredAccessTokenIsRefreshedOnceAndTheCallRepeated(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "synced");
    await(f.google.expireAccessTokens());
    f.ok(f.platform.put("/v1/meetings/" + id, SEED_UPDATE));
    f.outcomes.await(id, "synced");
    List<Request> requests = eventRequests();
    assertEquals(List.of("POST", "PATCH", "PATCH"), requests.stream().map(Request::method).toList());
    assertNotEquals(requests.get(1).bearer(), requests.get(2).bearer());
    assertEquals(2, refreshes());
    assertEquals(List.of("synced", "synced"), f.outcomes.of(id));
  }

  @Test
  void accessTokensAreRefreshedShortlyBeforeTheyExpire(Vertx vertx) {
    start(vertx);
    await(f.google.setExpiresIn(GoogleAccessTokens.EARLY_MILLIS / 1000 - 1));
    f.connect(ALICE);
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "synced");
    update(id, "2025-11-26T15:00:00-08:00", "2025-11-26T15:30:00-08:00");
    f.outcomes.await(id, "synced");
    assertEquals(2, refreshes(), "a token that lapses within the margin is not used");
  }

  @Test
  void aRevokedGrantFailsTheSyncAndSaysSo(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "synced");
    await(f.google.revokeGrantsOf(ALICE));
    await(f.google.expireAccessTokens());
    update(id, "2025-11-26T15:00:00-08:00", "2025-11-26T15:30:00-08:00");
    f.outcomes.await(id, "failed");
    String error = "Google refused the calendar grant of alice@example.com (400 invalid_grant: Token has been expired"
        + " or revoked.); connect the calendar again";
    assertEquals(new JsonObject().put("status", "failed").put("error", error), f.meeting(id).getJsonObject("calendar_sync"));
    JsonObject webhook = (JsonObject) failures(id).get(0).getValue("data");
    assertEquals(error, webhook.getString("error"));
    assertEquals(2, webhook.getInteger("sequence"), "the version that could not be written");
  }

  @Test
  void deletingAnEventGoogleNoLongerHasCountsAsDone(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    String gone = f.schedule(SCHEDULE);
    f.outcomes.await(gone, "synced");
    await(f.google.failNext("DELETE", "/events", 410, FakeGoogle.errorBody(410, "global", "deleted", "Resource has been deleted")));
    f.ok(f.platform.delete("/v1/meetings/" + gone));
    f.outcomes.await(gone, "synced");

    String missing = f.schedule(SCHEDULE);
    f.outcomes.await(missing, "synced");
    await(f.google.failNext("DELETE", "/events", 404, FakeGoogle.errorBody(404, "global", "notFound", "Not Found")));
    f.ok(f.platform.delete("/v1/meetings/" + missing));
    f.outcomes.await(missing, "synced");

    assertEquals(List.of("POST", "DELETE", "POST", "DELETE"), eventRequests().stream().map(Request::method).toList());
    assertEquals("synced", f.meeting(gone).getJsonObject("calendar_sync").getString("status"));
    assertEquals(List.of(), failures(gone));
    assertEquals(List.of(), failures(missing));
  }

  @Test
  void changesMadeWhileAJobWaitsCollapseIntoOneWriteOfTheLatestState(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    Promise<Void> release = Promise.promise();
    var held = f.google.hold("POST", "/events", false, release.future());
    String id = f.schedule(SCHEDULE);
    await(held);
    update(id, "2025-11-26T15:00:00-08:00", "2025-11-26T15:30:00-08:00");
    update(id, "2025-11-26T16:00:00-08:00", "2025-11-26T16:30:00-08:00");
    update(id, "2025-11-26T17:00:00-08:00", "2025-11-26T17:45:00-08:00");
    release.complete();
    f.outcomes.await(id, "synced");

    List<Request> requests = eventRequests();
    assertEquals(List.of("POST", "PATCH"), requests.stream().map(Request::method).toList(), "one write for three changes");
    assertEquals("2025-11-26T17:00:00-08:00", requests.get(1).json().getJsonObject("start").getString("dateTime"));
    assertEquals("2025-11-26T17:45:00-08:00", requests.get(1).json().getJsonObject("end").getString("dateTime"));
    assertEquals(List.of("pending", "synced"), f.outcomes.of(id));
    JsonObject event = await(f.google.event(ALICE, requests.get(0).json().getString("id")));
    assertEquals("2025-11-26T17:00:00-08:00", event.getJsonObject("start").getString("dateTime"));
  }

  @Test
  void tooManyFailedAttemptsAreAPermanentFailure(Vertx vertx) {
    start(vertx, Map.of("CONVENE_CALENDAR_MAX_ATTEMPTS", "3"));
    f.connect(ALICE);
    for (int i = 0; i < 3; i++) {
      await(f.google.failNext("POST", "/events", 503, FakeGoogle.errorBody(503, "global", "backendError", "Backend Error")));
    }
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "failed");
    assertEquals(List.of("retrying", "retrying", "failed"), f.outcomes.of(id));
    assertEquals("gave up after 3 attempts: Google answered 503 backendError: Backend Error",
        f.meeting(id).getJsonObject("calendar_sync").getString("error"));
    assertEquals(1, failures(id).size());
  }

  @Test
  void aDisconnectedCalendarIsLeftAloneAndMeetingsSaySo(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    String id = f.schedule(SCHEDULE);
    f.outcomes.await(id, "synced");
    f.ok(f.platform.delete("/v1/calendars/" + ALICE));
    update(id, "2025-11-26T15:00:00-08:00", "2025-11-26T15:30:00-08:00");
    f.outcomes.await(id, "not_connected");
    assertEquals(new JsonObject().put("status", "not_connected").put("error", null),
        f.meeting(id).getJsonObject("calendar_sync"));
    assertEquals(1, eventRequests().size(), "no grant, no call");
  }

  @Test
  void aMeetingMovedToAnotherCalendarLeavesTheFirstAndAppearsOnTheSecond(Vertx vertx) {
    start(vertx);
    f.connect(ALICE);
    f.connect(BOB);
    Map<String, String> ids = new HashMap<>();
    f.rows("SELECT id, user_email FROM calendar_connections").forEach(r -> ids.put(r.getString("user_email"), r.getString("id")));
    MeetingStore store = new MeetingStore(f.app.vertx.eventBus());
    Meeting created = await(store.send(new CreateMeeting(f.accountId(), draft(ids.get(ALICE)))));
    assertEquals("pending", created.calendarSync().status());
    assertEquals(ids.get(ALICE), created.calendarSync().connection().id());
    f.outcomes.await(created.id(), "synced");

    Meeting moved = await(store.send(new UpdateMeeting(f.accountId(), created.id(), null,
        new Replace(draft(ids.get(BOB)), false, "moved"))));
    assertEquals(BOB, moved.calendarSync().connection().email());
    f.outcomes.await(created.id(), "synced");
    List<Request> requests = eventRequests();
    String onAlice = requests.get(0).json().getString("id");
    String onBob = requests.get(2).json().getString("id");
    assertEquals(List.of("POST " + EVENTS, "DELETE " + EVENTS + "/" + onAlice, "POST /calendar/v3/calendars/" + BOB + "/events"),
        requests.stream().map(CalendarSyncTest::line).toList());
    assertNotEquals(onAlice, onBob);
    Meeting read = await(store.send(new GetMeeting(f.accountId(), created.id())));
    assertEquals(await(f.google.event(BOB, onBob)).getString("hangoutLink"), read.joinUrl(),
        "the Accounts API's conferencing.joinUrl");

    await(store.send(new UpdateMeeting(f.accountId(), created.id(), null, new Replace(draft(null), false, "off"))));
    f.outcomes.await(created.id(), "not_connected");
    assertEquals("DELETE /calendar/v3/calendars/" + BOB + "/events/" + onBob, line(eventRequests().get(3)));
    Meeting off = await(store.send(new GetMeeting(f.accountId(), created.id())));
    assertEquals("not_connected", off.calendarSync().status());
    assertNull(off.calendarSync().connection());
    assertTrue(off.calendarSync().mirrored(), "read back, it still has a mirror state: its next change has calendar work");
  }

  @Test
  void aRestartInTheMiddleOfAJobFinishesIt(Vertx vertx) {
    Map<String, String> env = Map.of("CONVENE_CALENDAR_LEASE_SECONDS", "3");
    Vertx first = Vertx.vertx();
    f = CalendarFixture.start(vertx, first, env);
    f.connect(ALICE);
    // Google does the insert, then the process dies before the answer arrives.
    var held = f.google.hold("POST", "/events", true, Promise.<Void>promise().future());
    String id = f.schedule(SCHEDULE);
    String eventId = await(held).json().getString("id");
    await(first.close());

    Vertx second = Vertx.vertx();
    try {
      Outcomes outcomes = Outcomes.listen(second);
      Map<String, String> all = new HashMap<>(f.google.env());
      all.putAll(env);
      TestApp restarted = await(TestApp.start(second, f.app.database, all));
      outcomes.await(id, "synced");
      List<Request> requests = eventRequests();
      assertEquals(List.of("POST", "POST", "GET", "PATCH"), requests.stream().map(Request::method).toList());
      assertEquals(eventId, requests.get(1).json().getString("id"));
      CalendarFixture after = CalendarFixture.withApp(f.google, restarted, f.account);
      JsonObject read = after.meeting(id);
      assertEquals("synced", read.getJsonObject("calendar_sync").getString("status"));
      assertEquals(await(f.google.event(ALICE, eventId)).getString("hangoutLink"), read.getString("meet_link"));
    } finally {
      await(second.close());
    }
  }

  private static MeetingDraft draft(String connectionId) {
    return new MeetingDraft("Planning", null, null, Rfc3339.parse("2025-11-25T14:00:00Z"),
        Rfc3339.parse("2025-11-25T15:00:00Z"), List.of(new Person(null, ALICE, "Alice", "Liddell", null)),
        List.of(Person.withEmail(CAROL)), "Bring numbers", new Conferencing("google_meet", null), connectionId);
  }
}
