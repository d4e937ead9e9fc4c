package io.convene.meeting;


import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One meeting, the single model behind both API surfaces. {@code start} and {@code end} carry the
 * offset they were given in; {@code version} rises by one with every change and is the
 * {@code sequence} of the event that change wrote. {@code calendarSync} is how its Google Calendar
 * mirror stands; it is kept by the calendar worker, not by changes, so the ETag does not cover it.
 * {@code origin} never changes after the create.
 */
public record Meeting(
    String id,
    String accountId,
    long seq,
    String title,
    String description,
    String location,
    OffsetDateTime start,
    OffsetDateTime end,
    List<Person> hosts,
    List<Person> attendees,
    String notes,
    Conferencing conferencing,
    String calendarConnectionId,
    Cancellation cancellation,
    int version,
    Instant createdAt,
    Instant updatedAt,
    CalendarSync calendarSync,
    Origin origin) {

  public boolean cancelled() {
    return cancellation != null;
  }

  public String status() {
    return cancelled() ? "cancelled" : "scheduled";
  }

  public List<String> attendeeEmails() {
    return attendees.stream().map(Person::email).toList();
  }

  /** The link people join by: the Google Meet link once calendar sync made one, else the one given. */
  public String joinUrl() {
    if (calendarSync != null && calendarSync.meetLink() != null) {
      return calendarSync.meetLink();
    }
    return conferencing == null ? null : conferencing.joinUrl();
  }

  public Meeting withCalendarSync(CalendarSync sync) {
    return new Meeting(id, accountId, seq, title, description, location, start, end, hosts, attendees, notes,
        conferencing, calendarConnectionId, cancellation, version, createdAt, updatedAt, sync, origin);
  }

  /** A strong validator: one meeting id and version is one exact state. */
  public String etag() {
    return "\"" + id + "." + version + "\"";
  }

  MeetingDraft draft() {
    return new MeetingDraft(title, description, location, start, end, hosts, attendees, notes, conferencing,
        calendarConnectionId);
  }
}
