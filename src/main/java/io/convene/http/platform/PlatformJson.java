package io.convene.http.platform;

import io.convene.meeting.Meeting;
import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Meetings in Syncline's field style: snake_case, times in the offset they were given in. */
final class PlatformJson {
  private static final String CURSOR_PREFIX = "v1:";

  private PlatformJson() {
  }

  static JsonObject scheduled(Meeting m) {
    return new JsonObject()
        .put("success", true)
        .put("meeting_id", m.id())
        .put("start_time", Rfc3339.format(m.start()))
        .put("end_time", Rfc3339.format(m.end()))
        .put("title", m.title())
        .put("attendees", attendees(m))
        .put("location", m.location())
        .put("meet_link", meetLink(m));
  }

  /** The seed's response, field for field. */
  static JsonObject updated(Meeting m) {
    return new JsonObject()
        .put("success", true)
        .put("meeting_id", m.id())
        .put("start_time", Rfc3339.format(m.start()))
        .put("end_time", Rfc3339.format(m.end()))
        .put("attendees", attendees(m))
        .put("status", "updated");
  }

  static JsonObject cancelled(Meeting m) {
    return new JsonObject().put("success", true).put("meeting_id", m.id()).put("status", "cancelled");
  }

  static JsonObject meeting(Meeting m) {
    return meeting(new JsonObject(), m);
  }

  /** The meeting's fields after those {@code into} has (a read's {@code success} comes first). */
  static JsonObject meeting(JsonObject into, Meeting m) {
    return into
        .put("meeting_id", m.id())
        .put("title", m.title())
        .put("description", m.description())
        .put("start_time", Rfc3339.format(m.start()))
        .put("end_time", Rfc3339.format(m.end()))
        .put("attendees", attendees(m))
        .put("location", m.location())
        .put("meet_link", meetLink(m))
        .put("status", m.status())
        .put("created_at", Rfc3339.formatUtc(m.createdAt()))
        .put("updated_at", Rfc3339.formatUtc(m.updatedAt()))
        .put("sequence", m.version())
        .put("calendar_sync", m.calendarSync().toJson())
        .put("meeting_event_id", m.origin().meetingEventId())
        .put("source", m.origin().source());
  }

  static String cursor(long seq) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((CURSOR_PREFIX + seq).getBytes(StandardCharsets.US_ASCII));
  }

  /** The position a cursor stands for, or {@code null} when it is not one of ours. */
  static Long seqOf(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      return text.startsWith(CURSOR_PREFIX) ? Long.parseLong(text.substring(CURSOR_PREFIX.length())) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static JsonArray attendees(Meeting m) {
    return new JsonArray(m.attendeeEmails());
  }

  private static String meetLink(Meeting m) {
    return m.joinUrl();
  }
}
