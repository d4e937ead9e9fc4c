package io.convene.calendar;

import io.convene.meeting.Meeting;
import io.convene.meeting.Person;
import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** A meeting as a Calendar API v3 event resource. */
final class GoogleEvents {
  private static final Set<String> MEET_NAMES = Set.of("googlemeet", "meet", "hangoutsmeet", "hangouts");

  private GoogleEvents() {
  }

  /**
   * Convene's own id for the meeting's event on one calendar. Google event ids are base32hex
   * ({@code a-v0-9}, 5-1024 characters), so 32 lower-case hex characters are valid; being derived,
   * a retried insert carries the same id and Google answers 409 instead of making a duplicate.
   */
  static String eventId(String meetingId, String connectionId) {
    byte[] digest = io.convene.tenant.Secrets.sha256((meetingId + "\n" + connectionId).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  /**
   * Whether the meeting asks for Google Meet: its conferencing provider says so, or, without one,
   * its location does (the Platform API's default location is "Google Meet").
   */
  static boolean wantsMeet(Meeting m) {
    if (m.conferencing() != null && m.conferencing().provider() != null) {
      return isMeet(m.conferencing().provider());
    }
    return m.location() != null && isMeet(m.location());
  }

  private static boolean isMeet(String name) {
    return MEET_NAMES.contains(name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
  }

  /** {@code events.insert}'s body; with {@code meet}, a request to create a Meet conference. */
  static JsonObject insert(Meeting m, String eventId, boolean meet) {
    JsonObject event = new JsonObject().put("id", eventId);
    content(m).forEach(field -> {
      if (field.getValue() != null) {
        event.put(field.getKey(), field.getValue());
      }
    });
    if (meet) {
      event.put("conferenceData", createMeet(eventId));
    }
    return event;
  }

  /**
   * {@code events.patch}'s body: every field Convene owns (null clears it). {@code conference}:
   * {@code "create"} asks for a Meet conference, {@code "remove"} drops the event's, {@code null}
   * leaves it alone, so that a reschedule keeps the link.
   */
  static JsonObject patch(Meeting m, String conference, String requestId, JsonArray attendees) {
    JsonObject event = content(m);
    if (attendees != null) {
      event.put("attendees", attendees);
    }
    if ("create".equals(conference)) {
      event.put("conferenceData", createMeet(requestId));
    } else if ("remove".equals(conference)) {
      event.putNull("conferenceData");
    }
    return event;
  }

  private static JsonObject content(Meeting m) {
    return new JsonObject()
        .put("summary", m.title())
        .put("description", m.description() != null ? m.description() : m.notes())
        .put("location", m.location())
        .put("start", new JsonObject().put("dateTime", Rfc3339.format(m.start())))
        .put("end", new JsonObject().put("dateTime", Rfc3339.format(m.end())))
        .put("attendees", attendees(m));
  }

  /** Hosts and attendees, once each (by email, case-insensitively), in that order. */
  static JsonArray attendees(Meeting m) {
    Map<String, JsonObject> people = new LinkedHashMap<>();
    for (Person p : m.hosts()) {
      people.putIfAbsent(p.emailKey(), attendee(p));
    }
    for (Person p : m.attendees()) {
      people.putIfAbsent(p.emailKey(), attendee(p));
    }
    return new JsonArray(new java.util.ArrayList<>(people.values()));
  }

  /**
   * Our attendee list with the answers Google already holds for the people who stay, so that
   * re-applying a change after a 412 does not reset anyone's RSVP.
   */
  static JsonArray keepingResponses(JsonArray ours, JsonObject current) {
    Map<String, String> answers = new java.util.HashMap<>();
    JsonArray theirs = current.getJsonArray("attendees", new JsonArray());
    for (int i = 0; i < theirs.size(); i++) {
      JsonObject a = theirs.getJsonObject(i);
      if (a.getString("email") != null && a.getString("responseStatus") != null) {
        answers.put(a.getString("email").toLowerCase(Locale.ROOT), a.getString("responseStatus"));
      }
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < ours.size(); i++) {
      JsonObject a = ours.getJsonObject(i).copy();
      String answer = answers.get(a.getString("email").toLowerCase(Locale.ROOT));
      if (answer != null) {
        a.put("responseStatus", answer);
      }
      out.add(a);
    }
    return out;
  }

  private static JsonObject attendee(Person p) {
    JsonObject a = new JsonObject().put("email", p.email());
    String name = ((p.firstName() == null ? "" : p.firstName()) + " " + (p.lastName() == null ? "" : p.lastName())).trim();
    if (!name.isEmpty()) {
      a.put("displayName", name);
    }
    return a;
  }

  private static JsonObject createMeet(String requestId) {
    return new JsonObject().put("createRequest", new JsonObject()
        .put("requestId", requestId)
        .put("conferenceSolutionKey", new JsonObject().put("type", "hangoutsMeet")));
  }

  /** The Meet link of an event Google returned: {@code hangoutLink}, else its video entry point. */
  static String meetLink(JsonObject event) {
    String link = event.getString("hangoutLink");
    if (link != null) {
      return link;
    }
    JsonObject conference = event.getJsonObject("conferenceData");
    JsonArray entryPoints = conference == null ? null : conference.getJsonArray("entryPoints");
    if (entryPoints != null) {
      for (int i = 0; i < entryPoints.size(); i++) {
        JsonObject entry = entryPoints.getJsonObject(i);
        if ("video".equals(entry.getString("entryPointType"))) {
          return entry.getString("uri");
        }
      }
    }
    return null;
  }
}
