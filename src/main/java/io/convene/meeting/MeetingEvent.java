package io.convene.meeting;

import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * An event a change writes in its own transaction, with the {@code data} of the webhook envelope
 * (contracts.md §4). Both surfaces emit the same events. {@code sequence} is the meeting's version
 * after the change, so a receiver can drop stale or repeated events.
 */
public record MeetingEvent(String type, Meeting meeting, JsonObject data) {
  public static final String SCHEDULED = "meeting.scheduled";
  public static final String UPDATED = "meeting.updated";
  public static final String CANCELLED = "meeting.cancelled";

  public int sequence() {
    return meeting.version();
  }

  static MeetingEvent scheduled(Meeting m) {
    return new MeetingEvent(SCHEDULED, m, new JsonObject()
        .put("meeting_id", m.id())
        .put("title", m.title())
        .put("start_time", Rfc3339.format(m.start()))
        .put("end_time", Rfc3339.format(m.end()))
        .put("attendees", emails(m))
        .put("location", m.location())
        .put("meet_link", m.conferencing() == null ? null : m.conferencing().joinUrl())
        .put("scheduled_at", Rfc3339.formatUtc(m.createdAt()))
        .put("sequence", m.version()));
  }

  static MeetingEvent updated(Meeting before, Meeting after, String reason) {
    return new MeetingEvent(UPDATED, after, new JsonObject()
        .put("meeting_id", after.id())
        .put("attendees", emails(after))
        .put("updated_at", Rfc3339.formatUtc(after.updatedAt()))
        .put("changes", new JsonObject()
            .put("updated_by", after.accountId())
            .put("reason", reason)
            .put("old_start_time", Rfc3339.format(before.start()))
            .put("new_start_time", Rfc3339.format(after.start()))
            .put("old_end_time", Rfc3339.format(before.end()))
            .put("new_end_time", Rfc3339.format(after.end())))
        .put("sequence", after.version()));
  }

  static MeetingEvent cancelled(Meeting m) {
    Cancellation c = m.cancellation();
    return new MeetingEvent(CANCELLED, m, new JsonObject()
        .put("meeting_id", m.id())
        .put("attendees", emails(m))
        .put("start_time", Rfc3339.format(m.start()))
        .put("cancelled_at", Rfc3339.formatUtc(c.at()))
        .put("cancelled_by", c.by())
        .put("reason", c.reason())
        .put("sequence", m.version()));
  }

  private static JsonArray emails(Meeting m) {
    return new JsonArray(m.attendeeEmails());
  }

  Instant at() {
    return meeting.updatedAt();
  }
}
