package io.convene.http.accounts;

import io.convene.meeting.ConnectionRef;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.meeting.Conferencing;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingDraft;
import io.convene.meeting.Person;
import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

import static io.convene.input.Fields.item;
import static io.convene.input.Fields.member;

/**
 * Meetings in Sakari's field style, as the seed page shows them: camelCase, times in UTC, hosts and
 * attendees as people with ids. The domain's {@code title} is this surface's {@code name}.
 */
public final class AccountsJson {
  static final int MAX_ID = 200;
  static final int MAX_NAME = 500;
  static final int MAX_NOTES = 10_000;
  static final int MAX_PERSON_NAME = 200;
  static final int MAX_MOBILE_TEXT = 100;
  static final int MAX_PROVIDER = 200;
  static final int MAX_URL = 2_000;
  private static final List<String> MOBILE_TEXT = List.of("country", "number", "lineType");

  private AccountsJson() {
  }

  /** What a create or update body asks for. */
  record MeetingBody(MeetingDraft draft, boolean cancelled) {
  }

  /**
   * The body of a create or update, less {@code id}: {@code name, start, end, calendar, hosts,
   * attendees} required; {@code cancelled, notes, conferencing} optional. Description and location
   * are left {@code null}: this surface has neither (an update keeps what the Platform API set).
   */
  static MeetingBody meetingBody(JsonObject body, int maxPeople) {
    String name = Fields.requiredString(body, "name", MAX_NAME);
    OffsetDateTime start = Fields.requiredTime(body, "start");
    OffsetDateTime end = Fields.requiredTime(body, "end");
    Fields.requireAfter(start, end, "end", "start");
    String connectionId = calendarConnectionId(body);
    List<Person> hosts = people(body, "hosts", maxPeople);
    List<Person> attendees = people(body, "attendees", maxPeople);
    boolean cancelled = Fields.optionalBoolean(body, "cancelled", false);
    String notes = Fields.optionalString(body, "notes", MAX_NOTES);
    Conferencing conferencing = conferencing(body);
    return new MeetingBody(new MeetingDraft(name, null, null, start, end, hosts, attendees, notes, conferencing,
        connectionId), cancelled);
  }

  /** {@code calendar} is required; its {@code connection} may be null; {@code connectedAt} and {@code user} are read-only. */
  private static String calendarConnectionId(JsonObject body) {
    JsonObject calendar = Fields.object(Fields.required(body.getValue("calendar"), "calendar"), "calendar");
    String path = member("calendar", "connection");
    JsonObject connection = Fields.object(calendar.getValue("connection"), path);
    return connection == null ? null : Fields.nonEmptyString(connection.getValue("id"), member(path, "id"), MAX_ID);
  }

  /** A required list of at most {@code max} people in the Person shape, with distinct emails. */
  public static List<Person> people(JsonObject body, String list, int max) {
    JsonArray given = Fields.requiredArray(body, list);
    Fields.requireAtMost(given.size(), list, max);
    List<Person> people = new ArrayList<>(given.size());
    for (int i = 0; i < given.size(); i++) {
      String path = item(list, i);
      JsonObject person = Fields.object(Fields.required(given.getValue(i), path), path);
      String email = Fields.email(Fields.required(person.getValue("email"), member(path, "email")), member(path, "email"));
      people.add(new Person(null, email,
          Fields.string(person.getValue("firstName"), member(path, "firstName"), MAX_PERSON_NAME),
          Fields.string(person.getValue("lastName"), member(path, "lastName"), MAX_PERSON_NAME),
          mobile(person.getValue("mobile"), member(path, "mobile"))));
    }
    Fields.requireDistinctEmails(people.stream().map(Person::email).toList(), list, "email");
    return people;
  }

  /** Kept as given, so that it round-trips unchanged; only its known members, each checked for type. */
  private static JsonObject mobile(Object value, String path) {
    JsonObject given = Fields.object(value, path);
    if (given == null) {
      return null;
    }
    JsonObject mobile = new JsonObject();
    for (String key : MOBILE_TEXT) {
      if (given.containsKey(key)) {
        mobile.put(key, Fields.string(given.getValue(key), member(path, key), MAX_MOBILE_TEXT));
      }
    }
    if (given.containsKey("verified")) {
      Fields.dateTime(given.getValue("verified"), member(path, "verified"));
      mobile.put("verified", given.getValue("verified"));
    }
    if (given.containsKey("valid")) {
      mobile.put("valid", Fields.bool(given.getValue("valid"), member(path, "valid")));
    }
    return mobile;
  }

  private static Conferencing conferencing(JsonObject body) {
    JsonObject given = Fields.optionalObject(body, "conferencing");
    return given == null ? null : new Conferencing(
        Fields.string(given.getValue("provider"), member("conferencing", "provider"), MAX_PROVIDER),
        Fields.string(given.getValue("joinUrl"), member("conferencing", "joinUrl"), MAX_URL));
  }

  /** {@code id}, required in an update body, must name the meeting of the path. */
  static void requireIdOfPath(JsonObject body, String meetingId) {
    if (!Fields.requiredString(body, "id", MAX_ID).equals(meetingId)) {
      throw ApiException.invalidField("id", "id must equal the meeting id in the path");
    }
  }

  static JsonObject meeting(Meeting m) {
    return new JsonObject()
        .put("id", m.id())
        .put("name", m.title())
        .put("start", Rfc3339.formatUtc(m.start()))
        .put("end", Rfc3339.formatUtc(m.end()))
        .put("calendar", new JsonObject().put("connection", calendarConnection(m)))
        .put("hosts", people(m.hosts()))
        .put("attendees", people(m.attendees()))
        .put("cancelled", m.cancelled())
        .put("notes", m.notes())
        .put("conferencing", conferencing(m))
        .put("calendar_sync", m.calendarSync().toJson())
        .put("meetingEvent", m.origin().meetingEventId() == null ? null
            : new JsonObject().put("id", m.origin().meetingEventId()).put("slug", m.origin().meetingEventSlug()));
  }

  /** {@code {id, connectedAt, user: {id, email}}} of the connection the meeting names, or null. */
  private static JsonObject calendarConnection(Meeting m) {
    if (m.calendarConnectionId() == null) {
      return null;
    }
    ConnectionRef ref = m.calendarSync().connection();
    return ref != null ? ref.toAccountsJson() : new JsonObject().put("id", m.calendarConnectionId());
  }

  /** As given, with the Google Meet link calendar sync made as its joinUrl. */
  private static JsonObject conferencing(Meeting m) {
    if (m.conferencing() == null) {
      return m.joinUrl() == null ? null : new JsonObject().put("provider", "google_meet").put("joinUrl", m.joinUrl());
    }
    return new JsonObject().put("provider", m.conferencing().provider()).put("joinUrl", m.joinUrl());
  }

  static JsonObject success(Object data) {
    return new JsonObject().put("success", true).put("data", data);
  }

  private static JsonArray people(List<Person> people) {
    JsonArray out = new JsonArray();
    people.forEach(p -> out.add(p.toJson()));
    return out;
  }
}
