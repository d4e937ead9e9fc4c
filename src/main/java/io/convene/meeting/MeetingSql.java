package io.convene.meeting;

import io.convene.ids.Ids;
import io.convene.meeting.MeetingCommand.CancelMeeting;
import io.convene.meeting.MeetingCommand.CreateGuard;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.ListMeetings;
import io.convene.meeting.MeetingCommand.UpdateGuard;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
import io.convene.meeting.MeetingStoreException.Kind;
import io.convene.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The one home of the SQL for meetings. Every statement is scoped by tenant. A change is one
 * statement: the meeting row, its events, their webhook deliveries and the calendar job commit
 * together (see {@link Outbox}), and the row is locked only while that statement runs. A change that
 * must keep a {@link ChangeRecord} (the answer to an Idempotency-Key) runs in a transaction that
 * writes the record too.
 *
 * <p>Changes of an existing meeting are optimistic: the store takes the meeting as this process last
 * saw it ({@link LastSeenMeetings}) or reads it, works out the change, and writes it on condition that
 * the row is still at that version. A concurrent change in between makes the write touch nothing; the
 * store then reads again and retries, so every round lets at least one writer through.
 */
public final class MeetingSql {
  public static final String CANCEL_REASON = "cancelled_by_platform";
  /** Rounds of read-and-write a change may take when other changes of the same meeting keep winning. */
  static final int MAX_ROUNDS = 64;
  private static final int MAX_ACCOUNTS_WITH_CALENDARS = 10_000;

  /** The meeting row's own columns; {@link #fromRow} reads them by position, in this order. */
  private static final String ROW_COLUMNS = "id, account_id, seq, title, description, location, start_at, start_offset,"
      + " end_at, end_offset, hosts, attendees, notes, conferencing, calendar_connection_id, cancelled_at,"
      + " cancelled_by, cancel_reason, version, created_at, updated_at, source, meeting_event_id, booked_by";
  private static final String CALENDAR_SYNC = " (SELECT json_build_object('status', s.status, 'error', s.error,"
      + " 'meet_link', s.meet_link) FROM calendar_events s WHERE s.meeting_id = meetings.id) AS calendar_sync";
  /** What a meeting is read from ({@link MeetingDetail#WITH_REFERENCES}), in the order {@link #fromRow} reads. */
  private static final String COLUMNS = ROW_COLUMNS
      + ", (SELECT e.slug FROM meeting_events e WHERE e.id = meetings.meeting_event_id) AS meeting_event_slug,"
      + CALENDAR_SYNC
      + ", (SELECT " + ConnectionRef.JSON + " FROM calendar_connections c"
      + " WHERE c.id = meetings.calendar_connection_id AND c.account_id = meetings.account_id) AS calendar_connection";
  /**
   * {@link #COLUMNS} for {@link MeetingDetail#WITHOUT_REFERENCES}: the slug and the connection are null. Each
   * sub-select costs its relation and index opened and locked whether or not the meeting names one: pgbench read a
   * meeting with 38 µs of PostgreSQL CPU this way, against 47 µs with them.
   */
  private static final String OWN_COLUMNS = ROW_COLUMNS + ", NULL::text AS meeting_event_slug," + CALENDAR_SYNC
      + ", NULL::json AS calendar_connection";
  static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM meetings WHERE id = $1 AND account_id = $2";
  private static final String SELECT_ONE_OWN = "SELECT " + OWN_COLUMNS + " FROM meetings WHERE id = $1 AND account_id = $2";
  /** The meeting, locked for the rest of the caller's transaction (a guarded change decides on it). */
  static final String LOCK_ONE = SELECT_ONE + " FOR UPDATE OF meetings";
  /** The connection the changed meeting names, as its calendar state shows it. */
  private static final String CONNECTION_COLUMN = " (SELECT " + ConnectionRef.JSON + " FROM changed m"
      + " JOIN calendar_connections c ON c.id = m.calendar_connection_id AND c.account_id = m.account_id)"
      + " AS calendar_connection";
  private static final String INSERT_INTO = "INSERT INTO meetings (id, account_id, title, description, location,"
      + " start_at, start_offset, end_at, end_offset, hosts, attendees, attendee_emails, notes, conferencing,"
      + " calendar_connection_id, version, created_at, updated_at, source, meeting_event_id, booked_by)";
  /** A live connection of the tenant's for one of the emails {@code $22}, the first of them in their order. */
  private static final String CONNECTION_OF_EMAILS = "SELECT k.id FROM calendar_connections k WHERE k.account_id = $2"
      + " AND k.email_key = ANY ($22::text[]) AND k.revoked_at IS NULL";
  /**
   * A new meeting, on the connection {@code $15}, or else on that of the first of the emails {@code $22}
   * (in their order) with a live connection, when given.
   */
  static final String CREATE = "WITH changed AS (" + INSERT_INTO
      + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
      + "  COALESCE($15::text, (" + CONNECTION_OF_EMAILS + " ORDER BY array_position($22::text[], k.email_key) LIMIT 1)),"
      + "  $16, $17, $17, $23, $24, $25)"
      + " RETURNING id, account_id, seq, version, calendar_connection_id),"
      + Outbox.appendAfterChange(18, 17) + "," + Outbox.QUEUE_CALENDAR_JOB
      + " SELECT (SELECT seq FROM changed) AS seq, (SELECT calendar_connection_id FROM changed),"
      + Outbox.QUEUED_COLUMNS + "," + CONNECTION_COLUMN;
  /**
   * {@link #CREATE} for a meeting that names no connection ({@code $15} is null), only if none of the emails
   * {@code $22} has a live one: then it has no calendar work, and the calendar CTEs would only cost their tables
   * and indexes opened and locked (pgbench scheduled 5,700 meetings/s with them, 7,000 without). When an email
   * has a connection it inserts nothing ({@code seq} is null), and {@link #CREATE} runs instead.
   */
  static final String CREATE_OFF_CALENDAR = "WITH changed AS (" + INSERT_INTO
      + " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, $16, $17, $17, $23, $24, $25"
      + " WHERE $15::text IS NULL AND NOT EXISTS (" + CONNECTION_OF_EMAILS + ")"
      + " RETURNING id, account_id, seq, version),"
      + Outbox.appendAfterChange(18, 17)
      + " SELECT (SELECT seq FROM changed) AS seq, NULL::text AS calendar_connection_id,"
      + Outbox.QUEUED_NO_CALENDAR_COLUMNS + ", NULL::json AS calendar_connection";
  private static final String CHANGE_ROW = "WITH changed AS (UPDATE meetings SET title = $3, description = $4,"
      + " location = $5, start_at = $6, start_offset = $7, end_at = $8, end_offset = $9, hosts = $10, attendees = $11,"
      + " attendee_emails = $12, notes = $13, conferencing = $14, calendar_connection_id = $15, cancelled_at = $16,"
      + " cancelled_by = $17, cancel_reason = $18, version = $19, updated_at = $20"
      + " WHERE id = $1 AND account_id = $2 AND version = $21"
      + " RETURNING id, account_id, version, calendar_connection_id),"
      + Outbox.appendAfterChange(22, 20);
  /** Writes the meeting as the change left it, if it is still at version {@code $21}. */
  static final String CHANGE = CHANGE_ROW + "," + Outbox.QUEUE_CALENDAR_JOB
      + " SELECT (SELECT count(*) FROM changed) AS changed," + Outbox.QUEUED_COLUMNS + "," + CONNECTION_COLUMN;
  /**
   * {@link #CHANGE} for a meeting that has no calendar work: it names no connection and no calendar mirrors it.
   * The calendar CTEs would queue nothing, yet their tables and indexes would be locked and opened on every
   * change; without them, pgbench ran the seed's reschedule with a fifth less PostgreSQL CPU.
   */
  static final String CHANGE_OFF_CALENDAR = CHANGE_ROW
      + " SELECT (SELECT count(*) FROM changed) AS changed," + Outbox.QUEUED_NO_CALENDAR_COLUMNS
      + ", NULL::json AS calendar_connection";

  private final SqlClient reads;
  private final SqlClient writes;
  private final Pool transactions;
  private final LastSeenMeetings lastSeen;
  /**
   * Tenants one of whose creates here found an attendee's calendar connection: their next creates go straight to
   * {@link #CREATE} instead of trying {@link #CREATE_OFF_CALENDAR} first. Only a hint (the statement decides), and
   * the instance's own (one event loop's), least recently used out.
   */
  private final Set<String> accountsWithCalendars = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > MAX_ACCOUNTS_WITH_CALENDARS;
    }
  });
  private final Vertx vertx;

  /**
   * @param reads        what reads run on (pipelined)
   * @param writes       what a change runs on, unless it must commit with a record
   * @param transactions where a change and its {@link ChangeRecord} commit together
   * @param lastSeen     what changes are worked out from when they can be
   * @param vertx        where the workers of this process are woken when a change queued work for them
   */
  public MeetingSql(SqlClient reads, SqlClient writes, Pool transactions, LastSeenMeetings lastSeen, Vertx vertx) {
    this.reads = reads;
    this.writes = writes;
    this.transactions = transactions;
    this.lastSeen = lastSeen;
    this.vertx = vertx;
  }

  /** A committed change: the meeting it left, and what it queued for the workers. */
  private record Changed(Meeting meeting, Outbox.Queued queued) {
  }

  Future<Meeting> create(CreateMeeting command) {
    CreateGuard guard = command.guard();
    if (guard == null) {
      return commit(false, command.record(), sql -> insert(sql, command, command.draft(), MeetingEvent.SOURCE_API));
    }
    return commit(true, command.record(), tx -> guard.decide(tx, command.draft())
        .compose(draft -> insert(tx, command, draft, guard.source())));
  }

  private Future<Changed> insert(SqlClient sql, CreateMeeting command, MeetingDraft d, String source) {
    Instant now = now();
    Booking booking = command.guard() == null ? null : command.guard().booking();
    List<Person> attendees = withIds(d.attendees(), Map.of());
    Origin origin = booking == null ? new Origin(source, null, null, null)
        : new Origin(source, booking.meetingEventId(), booking.meetingEventSlug(), attendees.get(0).id());
    Meeting draft = Meeting.create(Ids.meeting(), command.accountId(), d.withPeople(withIds(d.hosts(), Map.of()),
        attendees), origin, now);
    Tuple params = insertParams(draft);
    MeetingEvent scheduled = MeetingEvent.scheduled(draft, source);
    if (booking != null) {
      scheduled.data().mergeIn(booking.eventData().apply(draft));
    }
    addEvents(params, List.of(scheduled));
    params.addValue(command.onAttendeeCalendar() ? emailKeys(draft) : null);
    params.addValue(source).addValue(origin.meetingEventId()).addValue(origin.bookedBy());
    if (draft.calendarConnectionId() != null || accountsWithCalendars.contains(command.accountId())) {
      return inserted(sql, CREATE, params, draft);
    }
    return sql.preparedQuery(CREATE_OFF_CALENDAR).execute(params).compose(rows -> {
      if (rows.iterator().next().getLong("seq") != null) {
        return Future.succeededFuture(inserted(rows, draft));
      }
      accountsWithCalendars.add(command.accountId());
      return inserted(sql, CREATE, params, draft);
    });
  }

  private static Future<Changed> inserted(SqlClient sql, String statement, Tuple params, Meeting draft) {
    return sql.preparedQuery(statement).execute(params).map(rows -> inserted(rows, draft));
  }

  private static Changed inserted(RowSet<Row> rows, Meeting draft) {
    Row row = rows.iterator().next();
    return new Changed(draft.inserted(row.getLong("seq"), row.getString("calendar_connection_id"))
        .withCalendarSync(CalendarSync.fromRow(row)), Outbox.Queued.of(row));
  }

  /**
   * Runs a change on the loop's write client (one statement commits it), or in a transaction when it
   * must (a guard's reads and locks) or keeps a record that commits with it; then wakes the workers it
   * queued work for.
   */
  private Future<Meeting> commit(boolean inTransaction, ChangeRecord record, Function<SqlClient, Future<Changed>> change) {
    Future<Changed> committed = !inTransaction && record == null ? change.apply(writes)
        : transactions.withTransaction(tx -> change.apply(tx)
            .compose(changed -> record == null ? Future.succeededFuture(changed)
                : record.write(tx, changed.meeting()).map(changed)));
    return committed.map(changed -> {
      lastSeen.saw(changed.meeting());
      Outbox.announce(vertx, changed.queued());
      return changed.meeting();
    });
  }

  Future<Meeting> get(String accountId, String meetingId, MeetingDetail detail) {
    // Not kept as last seen: a read is the most frequent request, and a put into the bounded map costs it more
    // than the read a later change of the same meeting saves (and a read without references is not the whole meeting).
    return read(reads, detail == MeetingDetail.WITH_REFERENCES ? SELECT_ONE : SELECT_ONE_OWN, accountId, meetingId);
  }

  /** {@link #SELECT_ONE}, or {@link #LOCK_ONE} in a transaction. */
  private static Future<Meeting> read(SqlClient sql, String statement, String accountId, String meetingId) {
    return sql.preparedQuery(statement)
        .execute(Tuple.of(meetingId, accountId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(meetingId);
          }
          return fromRow(rows.iterator().next());
        });
  }

  Future<MeetingPage> list(ListMeetings command) {
    MeetingFilter f = command.filter();
    Tuple params = Tuple.of(command.accountId());
    StringBuilder sql = new StringBuilder("SELECT ")
        .append(command.detail() == MeetingDetail.WITH_REFERENCES ? COLUMNS : OWN_COLUMNS).append(" FROM meetings WHERE account_id = $1");
    if (f.attendeeEmail() != null) {
      sql.append(" AND attendee_emails @> ARRAY[").append(param(params, f.attendeeEmail().toLowerCase())).append("]");
    }
    if (f.attendeeId() != null) {
      sql.append(" AND attendees @> ").append(param(params, personWithId(f.attendeeId()))).append("::jsonb");
    }
    if (f.hostId() != null) {
      sql.append(" AND hosts @> ").append(param(params, personWithId(f.hostId()))).append("::jsonb");
    }
    if (f.nameContains() != null) {
      sql.append(" AND title ILIKE ").append(param(params, "%" + likeEscaped(f.nameContains()) + "%"));
    }
    if ("scheduled".equals(f.status())) {
      sql.append(" AND cancelled_at IS NULL");
    } else if ("cancelled".equals(f.status())) {
      sql.append(" AND cancelled_at IS NOT NULL");
    }
    if (f.startAfter() != null) {
      sql.append(" AND start_at > ").append(param(params, f.startAfter()));
    }
    if (f.startBefore() != null) {
      sql.append(" AND start_at < ").append(param(params, f.startBefore()));
    }
    if (f.updatedSince() != null) {
      sql.append(" AND updated_at >= ").append(param(params, f.updatedSince()));
    }
    if (command.afterSeq() != null) {
      sql.append(" AND seq > ").append(param(params, command.afterSeq()));
    }
    sql.append(" ORDER BY seq LIMIT ").append(param(params, command.limit() + 1));
    if (command.afterSeq() == null && command.offset() > 0) {
      sql.append(" OFFSET ").append(param(params, command.offset()));
    }
    return reads.preparedQuery(sql.toString()).execute(params).map(rows -> {
      List<Meeting> meetings = new ArrayList<>(rows.size());
      for (Row row : rows) {
        meetings.add(fromRow(row));
      }
      boolean hasMore = meetings.size() > command.limit();
      return new MeetingPage(hasMore ? meetings.subList(0, command.limit()) : meetings, hasMore);
    });
  }

  Future<Meeting> update(UpdateMeeting command) {
    UpdateGuard guard = command.guard();
    if (guard == null) {
      return commit(false, command.record(), sql -> change(sql, false, command.accountId(), command.meetingId(),
          command.expectedVersion(), current -> Future.succeededFuture(
              planUpdate(current, command.change(), MeetingEvent.SOURCE_API)), 1));
    }
    // The guard decides with the row locked, inside the transaction that writes its decision.
    return commit(true, command.record(), tx -> change(tx, true, command.accountId(), command.meetingId(),
        command.expectedVersion(), current -> guard.decide(tx, current, command.change())
            .map(decided -> planUpdate(current, decided, guard.source())), 1));
  }

  private static Planned planUpdate(Meeting current, MeetingChange change, String source) {
    Instant now = now();
    MeetingDraft d = change.apply(current);
    Map<String, String> knownIds = idsByEmail(current);
    Meeting updated = current.changed(d.withPeople(withIds(d.hosts(), knownIds), withIds(d.attendees(), knownIds)),
        now);
    List<MeetingEvent> events = new ArrayList<>(3);
    Meeting next = updated;
    if (!change.cancels() || !sameContent(current, updated)) {
      MeetingEvent event = MeetingEvent.updated(current, updated, change, source);
      events.add(event);
      if (MeetingEvent.moved(current, updated)) {
        events.add(MeetingEvent.rescheduled(event));
      }
    } else {
      next = current;
    }
    if (change.cancels()) {
      next = cancelled(next, now);
      events.add(MeetingEvent.cancelled(next, source));
    }
    return new Planned(next, events);
  }

  Future<Meeting> cancel(CancelMeeting command) {
    return commit(false, command.record(), sql -> change(sql, false, command.accountId(), command.meetingId(),
        command.expectedVersion(), current -> {
          CancelledBy by = command.by();
          if (by == null) {
            Meeting next = cancelled(current, now());
            return Future.succeededFuture(new Planned(next, List.of(MeetingEvent.cancelled(next, MeetingEvent.SOURCE_API))));
          }
          Meeting next = current.cancelled(new Cancellation(now(), by.by(), by.reason()));
          MeetingEvent event = MeetingEvent.cancelled(next, by.source());
          event.data().put("message", by.message());
          return Future.succeededFuture(new Planned(next, List.of(event)));
        }, 1));
  }

  Future<OffsetDateTime> databaseTime() {
    return reads.query("SELECT now()").execute().map(rows -> rows.iterator().next().getOffsetDateTime(0));
  }

  /** A change worked out from the meeting as read: the meeting it leaves, and the events it writes. */
  private record Planned(Meeting next, List<MeetingEvent> events) {
  }

  /**
   * One round: take the meeting as last seen (or read it; {@code lock}: read and lock it in the
   * caller's transaction), check, plan, and write on condition that it is still at that version;
   * another round, from a fresh read, when it moved on. A refusal (cancelled, If-Match) is only ever
   * concluded from a fresh read.
   */
  private Future<Changed> change(SqlClient sql, boolean lock, String accountId, String meetingId,
                                 Integer expectedVersion, Function<Meeting, Future<Planned>> plan, int round) {
    Meeting seen = round == 1 && !lock ? lastSeen.get(accountId, meetingId) : null;
    Future<Meeting> basis = seen != null ? Future.succeededFuture(seen)
        : read(sql, lock ? LOCK_ONE : SELECT_ONE, accountId, meetingId);
    return basis.compose(current -> {
      boolean refused = current.cancelled() || (expectedVersion != null && expectedVersion != current.version());
      if (refused && seen != null) {
        return change(sql, lock, accountId, meetingId, expectedVersion, plan, round + 1);
      }
      if (current.cancelled()) {
        throw new MeetingStoreException(Kind.CANCELLED, "meeting " + meetingId + " is cancelled");
      }
      if (refused) {
        throw new MeetingStoreException(Kind.VERSION_MISMATCH,
            "meeting " + meetingId + " is at version " + current.version() + ", not " + expectedVersion);
      }
      return plan.apply(current).compose(planned -> {
        Tuple params = updateParams(planned.next()).addValue(current.version());
        addEvents(params, planned.events());
        // Calendar state only ever appears through a change, which moves the version this write is conditional on.
        boolean calendarWork = planned.next().calendarConnectionId() != null || current.calendarSync().mirrored();
        return sql.preparedQuery(calendarWork ? CHANGE : CHANGE_OFF_CALENDAR).execute(params).compose(rows -> {
          Row row = rows.iterator().next();
          if (row.getLong("changed") > 0) {
            return Future.succeededFuture(new Changed(planned.next().withCalendarSync(CalendarSync.fromRow(row)),
                Outbox.Queued.of(row)));
          }
          lastSeen.forget(accountId, meetingId);
          if (round >= MAX_ROUNDS) {
            return Future.failedFuture(new MeetingStoreException(Kind.UNAVAILABLE,
                "meeting " + meetingId + " kept changing under " + MAX_ROUNDS + " attempts; retry"));
          }
          return change(sql, lock, accountId, meetingId, expectedVersion, plan, round + 1);
        });
      });
    });
  }

  /** The events as the four parallel arrays {@link Outbox#appendAfterChange} takes. */
  private static void addEvents(Tuple params, List<MeetingEvent> events) {
    String[] ids = new String[events.size()];
    String[] types = new String[events.size()];
    Integer[] sequences = new Integer[events.size()];
    JsonObject[] data = new JsonObject[events.size()];
    for (int i = 0; i < events.size(); i++) {
      MeetingEvent e = events.get(i);
      ids[i] = Ids.event();
      types[i] = e.type();
      sequences[i] = e.sequence();
      data[i] = e.data();
    }
    params.addValue(ids).addValue(types).addValue(sequences).addValue(data);
  }

  private static Meeting cancelled(Meeting m, Instant now) {
    return m.cancelled(new Cancellation(now, m.accountId(), CANCEL_REASON));
  }


  private static boolean sameContent(Meeting a, Meeting b) {
    return a.draft().equals(b.draft());
  }

  /** A person keeps their id while their email stays on the meeting, in either role. */
  private static Map<String, String> idsByEmail(Meeting m) {
    Map<String, String> ids = new HashMap<>();
    m.hosts().forEach(p -> ids.put(p.emailKey(), p.id()));
    m.attendees().forEach(p -> ids.put(p.emailKey(), p.id()));
    return ids;
  }

  private static List<Person> withIds(List<Person> people, Map<String, String> knownIds) {
    List<Person> out = new ArrayList<>(people.size());
    for (Person p : people) {
      String id = knownIds.get(p.emailKey());
      out.add(p.withId(id != null ? id : p.id() != null ? p.id() : Ids.person()));
    }
    return out;
  }

  private static Tuple insertParams(Meeting m) {
    return Tuple.tuple()
        .addValue(m.id()).addValue(m.accountId()).addValue(m.title()).addValue(m.description())
        .addValue(m.location())
        .addValue(m.start()).addValue(m.start().getOffset().getTotalSeconds())
        .addValue(m.end()).addValue(m.end().getOffset().getTotalSeconds())
        .addValue(peopleJson(m.hosts())).addValue(peopleJson(m.attendees())).addValue(emailKeys(m))
        .addValue(m.notes()).addValue(m.conferencing() == null ? null : m.conferencing().toJson())
        .addValue(m.calendarConnectionId()).addValue(m.version()).addValue(m.createdAt().atOffset(ZoneOffset.UTC));
  }

  private static Tuple updateParams(Meeting m) {
    Cancellation c = m.cancellation();
    return Tuple.tuple()
        .addValue(m.id()).addValue(m.accountId()).addValue(m.title()).addValue(m.description())
        .addValue(m.location())
        .addValue(m.start()).addValue(m.start().getOffset().getTotalSeconds())
        .addValue(m.end()).addValue(m.end().getOffset().getTotalSeconds())
        .addValue(peopleJson(m.hosts())).addValue(peopleJson(m.attendees())).addValue(emailKeys(m))
        .addValue(m.notes()).addValue(m.conferencing() == null ? null : m.conferencing().toJson())
        .addValue(m.calendarConnectionId())
        .addValue(c == null ? null : c.at().atOffset(ZoneOffset.UTC))
        .addValue(c == null ? null : c.by())
        .addValue(c == null ? null : c.reason())
        .addValue(m.version()).addValue(m.updatedAt().atOffset(ZoneOffset.UTC));
  }

  /**
   * A meeting from a row whose columns begin with {@link #COLUMNS} or {@link #OWN_COLUMNS}, read by position: by name, each getter
   * searches the row's column names, which on a meeting read cost more than decoding the values.
   */
  static Meeting fromRow(Row row) {
    OffsetDateTime cancelledAt = row.getOffsetDateTime(15);
    return new Meeting(
        row.getString(0), // id
        row.getString(1), // account_id
        row.getLong(2), // seq
        new MeetingDraft(
            row.getString(3), // title
            row.getString(4), // description
            row.getString(5), // location
            inOffset(row.getOffsetDateTime(6), row.getInteger(7)), // start_at, start_offset
            inOffset(row.getOffsetDateTime(8), row.getInteger(9)), // end_at, end_offset
            people(row.getJsonArray(10)), // hosts
            people(row.getJsonArray(11)), // attendees
            row.getString(12), // notes
            Conferencing.fromJson(row.getJsonObject(13)),
            row.getString(14)), // calendar_connection_id
        cancelledAt == null ? null
            : new Cancellation(cancelledAt.toInstant(), row.getString(16), row.getString(17)), // cancelled_by, _reason
        row.getInteger(18), // version
        row.getOffsetDateTime(19).toInstant(), // created_at
        row.getOffsetDateTime(20).toInstant(), // updated_at
        CalendarSync.from(row.getJsonObject(25), row.getJsonObject(26)), // calendar_sync, calendar_connection
        new Origin(row.getString(21), row.getString(22), row.getString(24), // source, meeting_event_id, _slug
            row.getString(23))); // booked_by
  }

  private static OffsetDateTime inOffset(OffsetDateTime utc, int offsetSeconds) {
    return utc.withOffsetSameInstant(ZoneOffset.ofTotalSeconds(offsetSeconds));
  }

  private static List<Person> people(JsonArray json) {
    List<Person> out = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      out.add(Person.fromJson(json.getJsonObject(i)));
    }
    return out;
  }

  private static JsonArray peopleJson(List<Person> people) {
    JsonArray out = new JsonArray();
    people.forEach(p -> out.add(p.toJson()));
    return out;
  }

  private static String[] emailKeys(Meeting m) {
    return m.attendees().stream().map(Person::emailKey).toArray(String[]::new);
  }

  private static JsonArray personWithId(String id) {
    return new JsonArray().add(new JsonObject().put("id", id));
  }

  private static String param(Tuple params, Object value) {
    params.addValue(value);
    return "$" + params.size();
  }

  private static String likeEscaped(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static MeetingStoreException notFound(String meetingId) {
    return new MeetingStoreException(Kind.NOT_FOUND, "meeting " + meetingId + " not found");
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
