package io.convene.meeting;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The mutable content of a meeting, as a surface hands it to the store: for a create, or as the
 * full replacement of an update. People may come without ids; the store assigns them.
 */
public record MeetingDraft(
    String title,
    String description,
    String location,
    OffsetDateTime start,
    OffsetDateTime end,
    List<Person> hosts,
    List<Person> attendees,
    String notes,
    Conferencing conferencing,
    String calendarConnectionId) {
  /** The same content with these people (the store's, with ids). */
  MeetingDraft withPeople(List<Person> newHosts, List<Person> newAttendees) {
    return new MeetingDraft(title, description, location, start, end, newHosts, newAttendees, notes, conferencing,
        calendarConnectionId);
  }

  /** The same content on this calendar connection (where the insert put it). */
  MeetingDraft withCalendarConnectionId(String connectionId) {
    return new MeetingDraft(title, description, location, start, end, hosts, attendees, notes, conferencing,
        connectionId);
  }
}
