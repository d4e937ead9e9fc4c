package io.convene.meeting;


import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One meeting, the single model behind both API surfaces: who it is ({@code id}, {@code accountId}, its list
 * position {@code seq}), what a change replaces as a whole ({@code content}, the {@link MeetingDraft} it was
 * last given, people with ids), and how it stands. {@code start} and {@code end} carry the offset they were
 * given in; {@code version} rises by one with every change and is the {@code sequence} of the event that change
 * wrote. {@code calendarSync} is how its Google Calendar mirror stands; it is kept by the calendar worker, not by
 * changes, so the ETag does not cover it. {@code origin} never changes after the create.
 *
 * <p>Made by {@link #create}, read from its row, and copied by the changes below, never by hand.
 */
public record Meeting(
    String id,
    String accountId,
    long seq,
    MeetingDraft content,
    Cancellation cancellation,
    int version,
    Instant createdAt,
    Instant updatedAt,
    CalendarSync calendarSync,
    Origin origin) {

  /** A new meeting before its insert: no list position yet, version 1, not mirrored. */
  static Meeting create(String id, String accountId, MeetingDraft content, Origin origin, Instant now) {
    return new Meeting(id, accountId, 0, content, null, 1, now, now, CalendarSync.NONE, origin);
  }

  /** The new meeting as its insert left it: its list position and the connection it landed on. */
  Meeting inserted(long seq, String calendarConnectionId) {
    return new Meeting(id, accountId, seq, content.withCalendarConnectionId(calendarConnectionId), cancellation,
        version, createdAt, updatedAt, calendarSync, origin);
  }

  /** The next version with new content; a change that does not cancel leaves the meeting scheduled. */
  Meeting changed(MeetingDraft newContent, Instant at) {
    return new Meeting(id, accountId, seq, newContent, null, version + 1, createdAt, at, calendarSync, origin);
  }

  /** The next version, cancelled as {@code c} says. */
  Meeting cancelled(Cancellation c) {
    return new Meeting(id, accountId, seq, content, c, version + 1, createdAt, c.at(), calendarSync, origin);
  }

  public Meeting withCalendarSync(CalendarSync sync) {
    return new Meeting(id, accountId, seq, content, cancellation, version, createdAt, updatedAt, sync, origin);
  }

  public String title() {
    return content.title();
  }

  public String description() {
    return content.description();
  }

  public String location() {
    return content.location();
  }

  public OffsetDateTime start() {
    return content.start();
  }

  public OffsetDateTime end() {
    return content.end();
  }

  public List<Person> hosts() {
    return content.hosts();
  }

  public List<Person> attendees() {
    return content.attendees();
  }

  public String notes() {
    return content.notes();
  }

  public Conferencing conferencing() {
    return content.conferencing();
  }

  public String calendarConnectionId() {
    return content.calendarConnectionId();
  }

  public boolean cancelled() {
    return cancellation != null;
  }

  public String status() {
    return cancelled() ? "cancelled" : "scheduled";
  }

  public List<String> attendeeEmails() {
    List<Person> attendees = attendees();
    List<String> emails = new ArrayList<>(attendees.size());
    for (Person p : attendees) {
      emails.add(p.email());
    }
    return emails;
  }

  /** The link people join by: the Google Meet link once calendar sync made one, else the one given. */
  public String joinUrl() {
    if (calendarSync != null && calendarSync.meetLink() != null) {
      return calendarSync.meetLink();
    }
    return conferencing() == null ? null : conferencing().joinUrl();
  }

  /** A strong validator: one meeting id and version is one exact state. */
  public String etag() {
    return "\"" + id + "." + version + "\"";
  }

  MeetingDraft draft() {
    return content;
  }
}
