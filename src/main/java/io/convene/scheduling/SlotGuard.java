package io.convene.scheduling;

import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingChange;
import io.convene.meeting.MeetingChange.Move;
import io.convene.meeting.MeetingCommand.CreateGuard;
import io.convene.meeting.MeetingCommand.UpdateGuard;
import io.convene.meeting.MeetingDraft;
import io.convene.meeting.MeetingStoreException;
import io.convene.meeting.MeetingStoreException.Kind;
import io.convene.scheduling.SlotFinder.Slot;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * Race safety of auto-scheduling and rescheduling (contracts-scheduling.md §A7, §B8), inside the store's
 * transaction: a transaction-scoped advisory lock per attendee (ascending email key, so two callers never
 * wait on each other in a circle), then a re-read of their meetings. Under READ COMMITTED the re-read, a
 * statement after the lock, sees every meeting committed by whoever held it before; so of two callers
 * after one slot, the second sees the first's meeting and takes the next slot, or is declined.
 */
public final class SlotGuard implements CreateGuard, UpdateGuard {
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('busy:' || $1 || ':' || k, 0))"
      + " FROM (SELECT k FROM unnest($2::text[]) AS k ORDER BY k OFFSET 0) ordered";
  private static final Duration MARGIN = Duration.ofDays(2);

  private final String accountId;
  private final List<String> keys;
  private final List<Preferences> preferences;
  private final List<Slot> slots;
  private final String except;
  private final ZoneId reference;
  private final String source;

  /**
   * @param keys   the attendees' email keys, in request order, with their {@code preferences} (buffers, caps)
   * @param slots  the algorithm's picks, best first: the first still free is taken
   * @param except the meeting being rescheduled, or {@code null}
   * @param source what the change's events name as its origin ({@code auto}, {@code reschedule})
   */
  public SlotGuard(String accountId, List<String> keys, List<Preferences> preferences, List<Slot> slots, String except,
                   ZoneId reference, String source) {
    this.accountId = accountId;
    this.keys = keys;
    this.preferences = preferences;
    this.slots = slots;
    this.except = except;
    this.reference = reference;
    this.source = source;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public Future<MeetingDraft> decide(SqlClient conn, MeetingDraft proposed) {
    return firstFree(conn).map(slot -> new MeetingDraft(proposed.title(), proposed.description(), proposed.location(),
        at(slot.start()), at(slot.end()), proposed.hosts(), proposed.attendees(), proposed.notes(), proposed.conferencing(),
        proposed.calendarConnectionId()));
  }

  @Override
  public Future<MeetingChange> decide(SqlClient conn, Meeting current, MeetingChange proposed) {
    Move move = (Move) proposed;
    return firstFree(conn).map(slot -> new Move(at(slot.start()), at(slot.end()), move.reason(), move.requestedBy()));
  }

  private OffsetDateTime at(Instant instant) {
    return instant.atZone(reference).toOffsetDateTime();
  }

  /** Inside the transaction: the locks, the re-read, and the first of the slots still free (else DECLINED). */
  public Future<Slot> firstFree(SqlClient conn) {
    Instant from = slots.stream().map(Slot::start).min(Instant::compareTo).orElseThrow().minus(MARGIN);
    Instant to = slots.stream().map(Slot::end).max(Instant::compareTo).orElseThrow().plus(MARGIN);
    // Sent together, one round trip: PostgreSQL starts the re-read (and takes its snapshot) only once the lock
    // statement has returned, so it still sees every meeting committed by whoever held a lock before.
    Future<?> locked = conn.preparedQuery(LOCK).execute(Tuple.tuple().addValue(accountId)
        .addValue(keys.toArray(String[]::new)));
    Future<Map<String, BusyTime.Meetings>> reread = BusyTime.of(conn, accountId, keys, from, to, except);
    return Future.all(locked, reread)
        .map(both -> reread.result())
        .map(meetings -> {
          for (Slot slot : slots) {
            if (free(slot, meetings)) {
              return slot;
            }
          }
          throw new MeetingStoreException(Kind.DECLINED, "every offered slot was taken meanwhile");
        });
  }

  /** No attendee's meeting within their buffer, no attendee's day at its cap. */
  private boolean free(Slot slot, Map<String, BusyTime.Meetings> meetings) {
    for (int i = 0; i < keys.size(); i++) {
      Preferences p = preferences.get(i);
      BusyTime.Meetings own = meetings.get(keys.get(i));
      Duration buffer = Duration.ofMinutes(p.bufferMinutes());
      for (SlotFinder.Interval busy : own.busy()) {
        if (slot.start().isBefore(busy.end().plus(buffer)) && slot.end().isAfter(busy.start().minus(buffer))) {
          return false;
        }
      }
      LocalDate day = LocalDate.ofInstant(slot.start(), p.zone());
      long sameDay = own.starts().stream().filter(s -> LocalDate.ofInstant(s, p.zone()).equals(day)).count();
      if (sameDay >= p.maxMeetingsPerDay()) {
        return false;
      }
    }
    return true;
  }
}
