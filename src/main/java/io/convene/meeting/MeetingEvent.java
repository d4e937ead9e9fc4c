package io.convene.meeting;

import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * An event a change writes in its own transaction, with the {@code data} of the webhook envelope
 * (contracts.md §4). Both surfaces emit the same events. {@code sequence} is the meeting's version
 * after the change, so a receiver can drop stale or repeated events. {@code data.source} says what made
 * the change ({@code api}, or what a guarded change names: {@code auto}, {@code reschedule}).
 */
public record MeetingEvent(String type, Meeting meeting, JsonObject data) {
  public static final String SCHEDULED = "meeting.scheduled";
  public static final String UPDATED = "meeting.updated";
  public static final String CANCELLED = "meeting.cancelled";
  /** Written right after a {@code meeting.updated} that moved the times; its data adds {@code new_meeting_id}. */
  public static final String RESCHEDULED = "meeting.rescheduled";
  public static final String SOURCE_API = "api";

  /**
   * The {@code sequence} column: the meeting's version, except for {@code meeting.rescheduled}, whose
   * {@code data.sequence} is that of the {@code meeting.updated} before it, so the column stays empty
   * (the column is unique per meeting).
   */
  public Integer sequence() {
    return type.equals(RESCHEDULED) ? null : meeting.version();
  }

  static MeetingEvent scheduled(Meeting m, String source) {
    return new MeetingEvent(SCHEDULED, m, new JsonObject()
        .put("meeting_id", m.id())
        .put("title", m.title())
        .put("start_time", Rfc3339.format(m.start()))
        .put("end_time", Rfc3339.format(m.end()))
        .put("attendees", emails(m))
        .put("location", m.location())
        .put("meet_link", m.conferencing() == null ? null : m.conferencing().joinUrl())
        .put("scheduled_at", Rfc3339.formatUtc(m.createdAt()))
        .put("source", source)
        .put("sequence", m.version()));
  }

  static MeetingEvent updated(Meeting before, Meeting after, MeetingChange change, String source) {
    JsonObject changes = new JsonObject()
        .put("updated_by", after.accountId())
        .put("reason", change.reason())
        .put("old_start_time", Rfc3339.format(before.start()))
        .put("new_start_time", Rfc3339.format(after.start()))
        .put("old_end_time", Rfc3339.format(before.end()))
        .put("new_end_time", Rfc3339.format(after.end()));
    change.describe(changes);
    return new MeetingEvent(UPDATED, after, new JsonObject()
        .put("meeting_id", after.id())
        .put("attendees", emails(after))
        .put("updated_at", Rfc3339.formatUtc(after.updatedAt()))
        .put("changes", changes)
        .put("source", source)
        .put("sequence", after.version()));
  }

  /** The {@code meeting.updated} event's data plus {@code new_meeting_id} (Syncline names the type; ours). */
  static MeetingEvent rescheduled(MeetingEvent updated) {
    return new MeetingEvent(RESCHEDULED, updated.meeting(),
        updated.data().copy().put("new_meeting_id", updated.meeting().id()));
  }

  /** Whether the change moved the meeting in time (another offset for the same instants does not). */
  static boolean moved(Meeting before, Meeting after) {
    return !before.start().toInstant().equals(after.start().toInstant())
        || !before.end().toInstant().equals(after.end().toInstant());
  }

  static MeetingEvent cancelled(Meeting m, String source) {
    Cancellation c = m.cancellation();
    return new MeetingEvent(CANCELLED, m, new JsonObject()
        .put("meeting_id", m.id())
        .put("attendees", emails(m))
        .put("start_time", Rfc3339.format(m.start()))
        .put("cancelled_at", Rfc3339.formatUtc(c.at()))
        .put("cancelled_by", c.by())
        .put("reason", c.reason())
        .put("source", source)
        .put("sequence", m.version()));
  }

  private static JsonArray emails(Meeting m) {
    return new JsonArray(m.attendeeEmails());
  }

  Instant at() {
    return meeting.updatedAt();
  }
}
