package io.convene.meeting;

import io.convene.TestApp;
import io.convene.meeting.MeetingChange.Replace;
import io.convene.meeting.MeetingChange.Reschedule;
import io.convene.meeting.MeetingCommand.CancelMeeting;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.GetMeeting;
import io.convene.meeting.MeetingCommand.ListMeetings;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
import io.convene.meeting.MeetingStoreException.Kind;
import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store's commands over the event bus, against real PostgreSQL. */
@ExtendWith(VertxExtension.class)
class MeetingStoreTest {
  private TestApp app;
  private MeetingStore store;
  private String tenantA;
  private String tenantB;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx).await();
    store = new MeetingStore(vertx.eventBus());
    tenantA = app.createAccount("A").await().getString("id");
    tenantB = app.createAccount("B").await().getString("id");
  }

  static MeetingDraft draft(String title, String start, String end, String... attendees) {
    List<Person> people = new ArrayList<>();
    for (String email : attendees) {
      people.add(Person.withEmail(email));
    }
    return new MeetingDraft(title, "about it", "Google Meet", Rfc3339.parse(start), Rfc3339.parse(end),
        List.of(new Person(null, "host@example.com", "Chris", "Bloggs",
            new JsonObject().put("country", "US").put("number", "123-456-7890")
                .put("verified", "2023-11-07T05:31:56Z").put("valid", true).put("lineType", "mobile"))),
        people, "notes", new Conferencing("google_meet", null), null);
  }

  private Meeting create(String tenant, String title) {
    return store.send(new CreateMeeting(tenant, draft(title, "2025-11-25T14:00:00-08:00", "2025-11-25T14:30:00-08:00",
        "alice@example.com", "bob@example.com"))).await();
  }

  /** The kind of store failure a command ends in. */
  private static Kind refusal(Future<?> command) {
    MeetingStoreException e = assertThrows(MeetingStoreException.class, command::await);
    return e.kind();
  }

  @Test
  void createKeepsEveryFieldAndWritesTheScheduledEvent() {
    Meeting created = create(tenantA, "Intro");
    Meeting read = store.send(new GetMeeting(tenantA, created.id())).await();
    List<Row> events = app.events(created.id());
    assertTrue(created.id().startsWith("meet_"));
    assertEquals(created, read);
    assertEquals("2025-11-25T14:00:00-08:00", Rfc3339.format(read.start()), "offset kept");
    assertEquals(1, read.version());
    assertEquals("Chris", read.hosts().get(0).firstName());
    assertEquals("2023-11-07T05:31:56Z", read.hosts().get(0).mobile().getString("verified"));
    assertTrue(read.attendees().stream().allMatch(p -> p.id().startsWith("per_")));
    assertEquals(1, events.size());
    Row event = events.get(0);
    assertEquals("meeting.scheduled", event.getString("type"));
    assertEquals(1, event.getInteger("sequence"));
    assertEquals(new JsonObject()
        .put("meeting_id", created.id())
        .put("title", "Intro")
        .put("start_time", "2025-11-25T14:00:00-08:00")
        .put("end_time", "2025-11-25T14:30:00-08:00")
        .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
        .put("location", "Google Meet")
        .put("meet_link", null)
        .put("scheduled_at", Rfc3339.formatUtc(created.createdAt()))
        .put("source", "api")
        .put("sequence", 1), event.getValue("data"));
  }

  @Test
  void rescheduleWritesTheSeedsChangesAndKeepsPeopleWhoStay() {
    Meeting created = create(tenantA, "Intro");
    Meeting updated = store.send(new UpdateMeeting(tenantA, created.id(), null,
        new Reschedule(Rfc3339.parse("2025-11-26T15:00:00-08:00"), Rfc3339.parse("2025-11-26T15:30:00-08:00"),
            List.of("bob@example.com", "carol@example.com"), MeetingChange.DEFAULT_RESCHEDULE_REASON))).await();
    assertEquals(2, updated.version());
    assertEquals(List.of("bob@example.com", "carol@example.com"), updated.attendeeEmails());
    assertEquals(created.attendees().get(1).id(), updated.attendees().get(0).id(), "bob keeps his id");
    assertNotEquals(created.attendees().get(0).id(), updated.attendees().get(1).id());
    Row event = app.events(created.id()).get(1);
    assertEquals("meeting.updated", event.getString("type"));
    assertEquals(new JsonObject()
        .put("meeting_id", created.id())
        .put("attendees", new JsonArray().add("bob@example.com").add("carol@example.com"))
        .put("updated_at", Rfc3339.formatUtc(updated.updatedAt()))
        .put("changes", new JsonObject()
            .put("updated_by", tenantA)
            .put("reason", "meeting_rescheduled")
            .put("old_start_time", "2025-11-25T14:00:00-08:00")
            .put("new_start_time", "2025-11-26T15:00:00-08:00")
            .put("old_end_time", "2025-11-25T14:30:00-08:00")
            .put("new_end_time", "2025-11-26T15:30:00-08:00"))
        .put("source", "api")
        .put("sequence", 2), event.getValue("data"));
    List<Row> moves = app.rescheduled(created.id());
    assertEquals(1, moves.size(), "the times moved: meeting.rescheduled follows");
    assertNull(moves.get(0).getValue("sequence"), "its sequence column stays empty; data.sequence says it");
    assertEquals(((JsonObject) event.getValue("data")).copy().put("new_meeting_id", created.id()), moves.get(0).getValue("data"));
  }

  @Test
  void staleExpectedVersionIsRefused() {
    Meeting created = create(tenantA, "Intro");
    store.send(new UpdateMeeting(tenantA, created.id(), 1,
        new Reschedule(created.start(), created.end().plusMinutes(15), null, "longer"))).await();
    assertEquals(Kind.VERSION_MISMATCH, refusal(store.send(new UpdateMeeting(tenantA, created.id(), 1,
        new Reschedule(created.start(), created.end(), null, "stale")))));
  }

  @Test
  void cancelIsFinalAndWritesTheCancelledEvent() {
    Meeting created = create(tenantA, "Intro");
    Meeting cancelled = store.send(new CancelMeeting(tenantA, created.id(), null)).await();
    assertEquals(Kind.CANCELLED, refusal(store.send(new UpdateMeeting(tenantA, created.id(), null,
        new Reschedule(created.start(), created.end(), null, "too late")))));
    assertEquals(Kind.CANCELLED, refusal(store.send(new CancelMeeting(tenantA, created.id(), null))));
    Meeting read = store.send(new GetMeeting(tenantA, created.id())).await();
    List<Row> events = app.events(created.id());
    assertTrue(read.cancelled(), "a cancelled meeting can still be read");
    assertEquals("cancelled", read.status());
    assertEquals(2, read.version());
    assertEquals(tenantA, read.cancellation().by());
    assertEquals(2, events.size(), "refused changes write no event");
    assertEquals(new JsonObject()
        .put("meeting_id", created.id())
        .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
        .put("start_time", "2025-11-25T14:00:00-08:00")
        .put("cancelled_at", Rfc3339.formatUtc(cancelled.cancellation().at()))
        .put("cancelled_by", tenantA)
        .put("reason", "cancelled_by_platform")
        .put("source", "api")
        .put("sequence", 2), events.get(1).getValue("data"));
  }

  @Test
  void replaceThatCancelsWritesUpdatedThenCancelled() {
    Meeting created = create(tenantA, "Intro");
    Meeting result = store.send(new UpdateMeeting(tenantA, created.id(), null,
        new Replace(draft("Renamed", "2025-11-25T22:00:00Z", "2025-11-25T23:00:00Z", "alice@example.com"),
            true, MeetingChange.DEFAULT_UPDATE_REASON))).await();
    List<Row> events = app.events(created.id());
    assertTrue(result.cancelled());
    assertEquals(3, result.version());
    assertEquals("Renamed", result.title());
    assertEquals(List.of("meeting.scheduled", "meeting.updated", "meeting.cancelled"),
        events.stream().map(r -> r.getString("type")).toList());
    assertEquals(List.of(1, 2, 3), events.stream().map(r -> r.getInteger("sequence")).toList());
  }

  @Test
  void anotherTenantsMeetingIsNotFound() {
    Meeting created = create(tenantA, "Secret");
    assertEquals(Kind.NOT_FOUND, refusal(store.send(new GetMeeting(tenantB, created.id()))));
    assertEquals(Kind.NOT_FOUND, refusal(store.send(new UpdateMeeting(tenantB, created.id(), null,
        new Reschedule(created.start(), created.end(), null, "hijack")))));
    assertEquals(Kind.NOT_FOUND, refusal(store.send(new CancelMeeting(tenantB, created.id(), null))));
    assertTrue(store.send(new ListMeetings(tenantB, MeetingFilter.ALL, null, 0, 50)).await().meetings().isEmpty());
    assertEquals(created, store.send(new GetMeeting(tenantA, created.id())).await());
  }

  @Test
  void listsPageByCursorAndOffsetAndFilter() {
    List<Meeting> made = new ArrayList<>();
    for (int n = 0; n < 5; n++) {
      made.add(store.send(new CreateMeeting(tenantA, draft("Meeting " + n,
          "2025-12-0" + (n + 1) + "T10:00:00Z", "2025-12-0" + (n + 1) + "T11:00:00Z",
          n % 2 == 0 ? "Even@Example.com" : "odd@example.com"))).await());
    }
    MeetingPage page1 = store.send(new ListMeetings(tenantA, MeetingFilter.ALL, null, 0, 2)).await();
    MeetingPage page2 = store.send(new ListMeetings(tenantA, MeetingFilter.ALL, page1.lastSeq(), 0, 2)).await();
    MeetingPage page3 = store.send(new ListMeetings(tenantA, MeetingFilter.ALL, page2.lastSeq(), 0, 2)).await();
    MeetingPage byOffset = store.send(new ListMeetings(tenantA, MeetingFilter.ALL, null, 3, 2)).await();
    MeetingPage filtered = store.send(new ListMeetings(tenantA, new MeetingFilter("even@example.com", null, null, null,
        null, OffsetDateTime.parse("2025-12-01T10:00:00Z"), null, null), null, 0, 50)).await();
    MeetingPage byPerson = store.send(new ListMeetings(tenantA, new MeetingFilter(null,
        made.get(1).attendees().get(0).id(), null, "meeting 1", "scheduled", null, null, null), null, 0, 50)).await();
    assertEquals(made.subList(0, 2), page1.meetings());
    assertTrue(page1.hasMore());
    assertEquals(made.subList(2, 4), page2.meetings());
    assertEquals(made.subList(4, 5), page3.meetings());
    assertFalse(page3.hasMore());
    assertEquals(made.subList(3, 5), byOffset.meetings());
    assertFalse(byOffset.hasMore());
    assertEquals(List.of(made.get(2), made.get(4)), filtered.meetings(),
        "attendee email matches case-insensitively; start_after is exclusive");
    assertEquals(List.of(made.get(1)), byPerson.meetings());
  }

  @Test
  void fiftyConcurrentUpdatesOfOneMeetingLoseNothing() {
    Meeting created = create(tenantA, "Busy");
    OffsetDateTime base = created.start();
    List<Future<Meeting>> updates = IntStream.range(0, 50)
        .mapToObj(i -> store.send(new UpdateMeeting(tenantA, created.id(), null,
            new Reschedule(base.plusMinutes(i + 1), base.plusMinutes(i + 31), null, "update " + i))))
        .toList();
    Future.all(updates).await();
    List<Row> events = app.events(created.id());
    assertEquals(51, events.size());
    String previousNewStart = Rfc3339.format(created.start());
    int expected = 2;
    for (Row event : events.subList(1, 51)) {
      assertEquals(expected++, event.getInteger("sequence"), "strictly rising by one");
      JsonObject changes = ((JsonObject) event.getValue("data")).getJsonObject("changes");
      assertEquals(previousNewStart, changes.getString("old_start_time"), "each old value is the previous new value");
      previousNewStart = changes.getString("new_start_time");
    }
    assertEquals(51, store.send(new GetMeeting(tenantA, created.id())).await().version());
  }

  @Test
  void unknownMeetingIsNotFound() {
    MeetingStoreException e = assertThrows(MeetingStoreException.class,
        () -> store.send(new GetMeeting(tenantA, "meet_nope")).await());
    assertEquals(Kind.NOT_FOUND, e.kind());
    assertEquals("meeting meet_nope not found", e.getMessage());
  }

  /**
   * A reschedule moves start and end and raises the version: no index of meetings may name those columns (not
   * even in a partial index's condition), or PostgreSQL cannot make the update HOT and every reschedule writes a
   * new entry into every index of meetings, four of them GIN (V32, V41).
   */
  @Test
  void aRescheduleIsAHotUpdate(Vertx vertx) {
    Meeting created = create(tenantA, "Moves");
    long hot = app.database.pool(vertx).withTransaction(conn -> conn
        .preparedQuery("UPDATE meetings SET start_at = start_at + interval '1 hour', end_at = end_at + interval"
            + " '1 hour', start_offset = 3600, end_offset = 3600, version = version + 1, updated_at = now()"
            + " WHERE id = $1 AND account_id = $2")
        .execute(Tuple.of(created.id(), tenantA))
        .compose(updated -> conn.query("SELECT pg_stat_get_xact_tuples_hot_updated('meetings'::regclass) AS hot")
            .execute())
        .map(rows -> rows.iterator().next().getLong("hot"))).await();
    assertEquals(1L, hot);
  }
}
