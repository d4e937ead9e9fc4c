package io.convene.booking;

import io.convene.meeting.ConnectionRef;
import io.convene.meeting.Person;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A meeting event (Sakari's name; contracts-scheduling.md §B1): what a public booking page offers, in one
 * tenant. {@code connection} is the calendar connection it books on, or {@code null}.
 */
public record BookableEvent(
    String id,
    String accountId,
    String slug,
    String name,
    String description,
    List<Integer> durations,
    ConnectionRef connection,
    boolean allowAdditionalAttendees,
    WeeklyTimes availability,
    List<Person> hosts,
    Instant createdAt,
    Instant updatedAt,
    boolean deleted) {

  /** Hosts of a booked meeting: the connection's user first, then {@code hosts}, one per email. */
  public List<Person> meetingHosts() {
    List<Person> out = new ArrayList<>();
    if (connection != null) {
      out.add(Person.withEmail(connection.email()));
    }
    for (Person p : hosts) {
      if (out.stream().noneMatch(o -> o.emailKey().equals(p.emailKey()))) {
        out.add(p);
      }
    }
    return out;
  }
}
