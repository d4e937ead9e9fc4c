package io.convene.meeting;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

import java.time.OffsetDateTime;

/**
 * A message to the meeting store. Each command knows which store operation answers it, so the
 * verticle needs no dispatch table; {@code R} is the reply's type.
 */
public sealed interface MeetingCommand<R> {

  Future<R> execute(MeetingSql sql);

  /**
   * @param onAttendeeCalendar the Platform API's rule: the meeting goes on the calendar of the first attendee,
   *                           in their order, with a live connection (the draft then names no connection)
   * @param guard              {@code null}, or what decides inside the creating transaction which draft is
   *                           inserted (scheduling's race safety: locks, a re-read, the next free slot)
   * @param record             {@code null}, or what commits with the new meeting
   */
  record CreateMeeting(String accountId, MeetingDraft draft, boolean onAttendeeCalendar, CreateGuard guard,
                       ChangeRecord record) implements MeetingCommand<Meeting> {
    public CreateMeeting(String accountId, MeetingDraft draft) {
      this(accountId, draft, false, null, null);
    }

    public CreateMeeting(String accountId, MeetingDraft draft, CreateGuard guard) {
      this(accountId, draft, false, guard, null);
    }

    public CreateMeeting(String accountId, MeetingDraft draft, boolean onAttendeeCalendar, ChangeRecord record) {
      this(accountId, draft, onAttendeeCalendar, null, record);
    }

    @Override
    public Future<Meeting> execute(MeetingSql sql) {
      return sql.create(this);
    }
  }

  record GetMeeting(String accountId, String meetingId, MeetingDetail detail) implements MeetingCommand<Meeting> {
    public GetMeeting(String accountId, String meetingId) {
      this(accountId, meetingId, MeetingDetail.WITH_REFERENCES);
    }

    @Override
    public Future<Meeting> execute(MeetingSql sql) {
      return sql.get(accountId, meetingId, detail);
    }
  }

  /**
   * One page in creation order: after the cursor {@code afterSeq} when given (keyset paging, stable
   * while meetings change), else from {@code offset}.
   */
  record ListMeetings(String accountId, MeetingFilter filter, Long afterSeq, int offset, int limit,
                      MeetingDetail detail) implements MeetingCommand<MeetingPage> {
    public ListMeetings(String accountId, MeetingFilter filter, Long afterSeq, int offset, int limit) {
      this(accountId, filter, afterSeq, offset, limit, MeetingDetail.WITH_REFERENCES);
    }

    @Override
    public Future<MeetingPage> execute(MeetingSql sql) {
      return sql.list(this);
    }
  }

  /**
   * @param expectedVersion {@code null} when the caller does not care (no If-Match)
   * @param guard           {@code null}, or what decides inside the transaction, with the row locked, which
   *                        change is applied
   * @param record          {@code null}, or what commits with the change
   */
  record UpdateMeeting(String accountId, String meetingId, Integer expectedVersion, MeetingChange change,
                       UpdateGuard guard, ChangeRecord record) implements MeetingCommand<Meeting> {
    public UpdateMeeting(String accountId, String meetingId, Integer expectedVersion, MeetingChange change) {
      this(accountId, meetingId, expectedVersion, change, null, null);
    }

    public UpdateMeeting(String accountId, String meetingId, Integer expectedVersion, MeetingChange change,
                         UpdateGuard guard) {
      this(accountId, meetingId, expectedVersion, change, guard, null);
    }

    public UpdateMeeting(String accountId, String meetingId, Integer expectedVersion, MeetingChange change,
                         ChangeRecord record) {
      this(accountId, meetingId, expectedVersion, change, null, record);
    }

    @Override
    public Future<Meeting> execute(MeetingSql sql) {
      return sql.update(this);
    }
  }

  /**
   * @param record {@code null}, or what commits with the cancellation
   * @param by     {@code null}: the tenant cancels (the platform's reason, source {@code api})
   */
  record CancelMeeting(String accountId, String meetingId, Integer expectedVersion, ChangeRecord record,
                       CancelledBy by) implements MeetingCommand<Meeting> {
    public CancelMeeting(String accountId, String meetingId, Integer expectedVersion) {
      this(accountId, meetingId, expectedVersion, null, null);
    }

    public CancelMeeting(String accountId, String meetingId, Integer expectedVersion, ChangeRecord record) {
      this(accountId, meetingId, expectedVersion, record, null);
    }

    @Override
    public Future<Meeting> execute(MeetingSql sql) {
      return sql.cancel(this);
    }
  }

  /**
   * Decides, inside the creating transaction, what is inserted: {@code proposed} or another draft; fails
   * with {@link MeetingStoreException.Kind#DECLINED} when nothing may be. {@code source} is what the
   * change's events name as its origin.
   */
  interface CreateGuard {
    Future<MeetingDraft> decide(SqlClient conn, MeetingDraft proposed);

    String source();

    /** {@code null}, or the booking the new meeting is. */
    default Booking booking() {
      return null;
    }
  }

  /** As {@link CreateGuard}, for an update: the row is locked and {@code current} is its state. */
  interface UpdateGuard {
    Future<MeetingChange> decide(SqlClient conn, Meeting current, MeetingChange proposed);

    String source();
  }

  /** Readiness: answers when the database answers. */
  record CheckDatabase() implements MeetingCommand<OffsetDateTime> {
    @Override
    public Future<OffsetDateTime> execute(MeetingSql sql) {
      return sql.databaseTime();
    }
  }
}
