package io.convene.booking;

import io.convene.meeting.Booking;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingChange;
import io.convene.meeting.MeetingCommand.CreateGuard;
import io.convene.meeting.MeetingCommand.UpdateGuard;
import io.convene.meeting.MeetingDraft;
import io.convene.scheduling.SlotGuard;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/**
 * No double booking (contracts-scheduling.md §B8): inside the transaction that writes the booking (or the
 * attendee's reschedule), the hosts' advisory locks and the re-read of their meetings of {@link SlotGuard},
 * for the one slot asked for. Taken meanwhile: declined, which the routes answer 409 {@code slot_taken}.
 * The locks are PostgreSQL's, so the guarantee holds across every instance on the database.
 */
final class BookingGuard implements CreateGuard, UpdateGuard {
  private final SlotGuard slot;
  private final String source;
  private final Booking booking;

  /** @param booking {@code null} for a reschedule */
  BookingGuard(SlotGuard slot, String source, Booking booking) {
    this.slot = slot;
    this.source = source;
    this.booking = booking;
  }

  @Override
  public Future<MeetingDraft> decide(SqlClient conn, MeetingDraft proposed) {
    return slot.firstFree(conn).map(free -> proposed);
  }

  @Override
  public Future<MeetingChange> decide(SqlClient conn, Meeting current, MeetingChange proposed) {
    return slot.firstFree(conn).map(free -> proposed);
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public Booking booking() {
    return booking;
  }
}
