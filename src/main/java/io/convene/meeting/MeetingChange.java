package io.convene.meeting;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** What an update does to a meeting's content; the store applies it to the locked current row. */
public sealed interface MeetingChange {
  String DEFAULT_RESCHEDULE_REASON = "meeting_rescheduled";
  String DEFAULT_UPDATE_REASON = "meeting_updated";

  MeetingDraft apply(Meeting current);

  String reason();

  /** Whether the same update also cancels the meeting (the Accounts API's {@code cancelled: true}). */
  default boolean cancels() {
    return false;
  }

  /** Adds what the {@code changes} block of {@code meeting.updated} should say beyond the times and reason. */
  default void describe(JsonObject changes) {
  }

  /**
   * A move to new times asked for by one of the people on the meeting (the Platform API's reschedule):
   * attendees and everything else kept; {@code changes.requested_by} names who asked.
   */
  record Move(OffsetDateTime start, OffsetDateTime end, String reason, String requestedBy) implements MeetingChange {

    @Override
    public MeetingDraft apply(Meeting current) {
      return new Reschedule(start, end, null, reason).apply(current);
    }

    @Override
    public void describe(JsonObject changes) {
      changes.put("requested_by", requestedBy);
    }
  }

  /**
   * The Platform API's update: new times, and optionally a new attendee list. People who stay keep
   * everything known about them (id, names, mobile).
   *
   * @param attendeeEmails {@code null} keeps the current attendees
   */
  record Reschedule(OffsetDateTime start, OffsetDateTime end, List<String> attendeeEmails, String reason)
      implements MeetingChange {

    @Override
    public MeetingDraft apply(Meeting current) {
      List<Person> attendees = attendeeEmails == null ? current.attendees() : known(current, attendeeEmails);
      MeetingDraft d = current.draft();
      return new MeetingDraft(d.title(), d.description(), d.location(), start, end, d.hosts(), attendees, d.notes(),
          d.conferencing(), d.calendarConnectionId());
    }

    private static List<Person> known(Meeting current, List<String> emails) {
      List<Person> people = new ArrayList<>(emails.size());
      for (String email : emails) {
        Person given = Person.withEmail(email);
        people.add(current.attendees().stream()
            .filter(p -> p.emailKey().equals(given.emailKey()))
            .findFirst()
            .orElse(given));
      }
      return people;
    }
  }

  /**
   * A booker's reschedule through a manage link (contracts-scheduling.md §B7): new times and attendee list
   * (people who stay keep their ids), notes replaced when given; {@code changes.updated_by} names the booker.
   *
   * @param notes {@code null} keeps the current notes
   */
  record AttendeeReschedule(OffsetDateTime start, OffsetDateTime end, List<Person> attendees, String notes,
                            String bookerEmail) implements MeetingChange {
    public static final String REASON = "rescheduled_by_attendee";

    @Override
    public MeetingDraft apply(Meeting current) {
      MeetingDraft d = current.draft();
      return new MeetingDraft(d.title(), d.description(), d.location(), start, end, d.hosts(), attendees,
          notes != null ? notes : d.notes(), d.conferencing(), d.calendarConnectionId());
    }

    @Override
    public String reason() {
      return REASON;
    }

    @Override
    public void describe(JsonObject changes) {
      changes.put("updated_by", bookerEmail);
    }
  }

  /**
   * The Accounts API's PUT: a full replacement of the mutable content, possibly cancelling too.
   * A {@code null} description or location keeps the current one: the Accounts API carries neither,
   * so its updates must not wipe what the Platform API set.
   */
  record Replace(MeetingDraft draft, boolean cancels, String reason) implements MeetingChange {

    @Override
    public MeetingDraft apply(Meeting current) {
      return new MeetingDraft(draft.title(),
          draft.description() != null ? draft.description() : current.description(),
          draft.location() != null ? draft.location() : current.location(),
          draft.start(), draft.end(), draft.hosts(), draft.attendees(), draft.notes(), draft.conferencing(),
          draft.calendarConnectionId());
    }
  }
}
