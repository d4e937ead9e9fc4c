package io.convene.meeting;

import io.convene.Ids;
import io.convene.calendar.CalendarSync;
import io.convene.calendar.CalendarSyncSql;
import io.convene.meeting.MeetingCommand.CancelMeeting;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.ListMeetings;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
import io.convene.meeting.MeetingStoreException.Kind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one home of the SQL for meetings and their events. Every statement is scoped by tenant;
 * every change writes its events in the same transaction.
 */
public final class MeetingSql {
  public static final String CANCEL_REASON = "cancelled_by_platform";

  private static final String COLUMNS = "id, account_id, seq, title, description, location, start_at, start_offset,"
      + " end_at, end_offset, hosts, attendees, notes, conferencing, calendar_connection_id, cancelled_at,"
      + " cancelled_by, cancel_reason, version, created_at, updated_at" + CalendarSyncSql.READ_COLUMNS;
  static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM meetings WHERE id = $1 AND account_id = $2";
  static final String LOCK_ONE = SELECT_ONE + " FOR UPDATE";
  static final String INSERT = "INSERT INTO meetings (id, account_id, title, description, location, start_at,"
      + " start_offset, end_at, end_offset, hosts, attendees, attendee_emails, notes, conferencing,"
      + " calendar_connection_id, version, created_at, updated_at)"
      + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING seq";
  static final String UPDATE = "UPDATE meetings SET title = $3, description = $4, location = $5, start_at = $6,"
      + " start_offset = $7, end_at = $8, end_offset = $9, hosts = $10, attendees = $11, attendee_emails = $12,"
      + " notes = $13, conferencing = $14, calendar_connection_id = $15, cancelled_at = $16, cancelled_by = $17,"
      + " cancel_reason = $18, version = $19, updated_at = $20 WHERE id = $1 AND account_id = $2";
  /** The one insert of the outbox that webhooks deliver, for every kind of event. */
  private static final String INSERT_EVENT = "INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)"
      + " VALUES ($1, $2, $3, $4, $5, $6, $7)";

  private final Pool pool;

  public MeetingSql(Pool pool) {
    this.pool = pool;
  }

  Future<Meeting> create(CreateMeeting command) {
    String source = command.guard() == null ? MeetingEvent.SOURCE_API : command.guard().source();
    return pool.withTransaction(conn -> (command.guard() == null ? Future.succeededFuture(command.draft())
        : command.guard().decide(conn, command.draft())).compose(d -> insert(conn, command.accountId(), d, source)));
  }

  private static Future<Meeting> insert(SqlClient conn, String accountId, MeetingDraft d, String source) {
    Instant now = now();
    Meeting draft = new Meeting(Ids.meeting(), accountId, 0, d.title(), d.description(), d.location(),
        d.start(), d.end(), withIds(d.hosts(), Map.of()), withIds(d.attendees(), Map.of()), d.notes(),
        d.conferencing(), d.calendarConnectionId(), null, 1, now, now, CalendarSync.NONE);
    return conn.preparedQuery(INSERT)
        .execute(insertParams(draft))
        .map(rows -> withSeq(draft, rows.iterator().next().getLong(0)))
        .compose(created -> insertEvents(conn, List.of(MeetingEvent.scheduled(created, source)))
            .compose(v -> CalendarSyncSql.enqueue(conn, created))
            .map(created::withCalendarSync));
  }

  Future<Meeting> get(String accountId, String meetingId) {
    return pool.preparedQuery(SELECT_ONE)
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
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM meetings WHERE account_id = $1");
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
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      List<Meeting> meetings = new ArrayList<>(rows.size());
      for (Row row : rows) {
        meetings.add(fromRow(row));
      }
      boolean hasMore = meetings.size() > command.limit();
      return new MeetingPage(hasMore ? meetings.subList(0, command.limit()) : meetings, hasMore);
    });
  }

  Future<Meeting> update(UpdateMeeting command) {
    String source = command.guard() == null ? MeetingEvent.SOURCE_API : command.guard().source();
    return pool.withTransaction(conn -> lockForChange(conn, command.accountId(), command.meetingId(),
        command.expectedVersion()).compose(current -> (command.guard() == null
            ? Future.succeededFuture(command.change()) : command.guard().decide(conn, current, command.change()))
        .compose(change -> {
          Instant now = now();
          MeetingDraft d = change.apply(current);
          Map<String, String> knownIds = idsByEmail(current);
          Meeting updated = new Meeting(current.id(), current.accountId(), current.seq(), d.title(), d.description(),
              d.location(), d.start(), d.end(), withIds(d.hosts(), knownIds), withIds(d.attendees(), knownIds),
              d.notes(), d.conferencing(), d.calendarConnectionId(), null, current.version() + 1,
              current.createdAt(), now, current.calendarSync());
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
          Meeting result = next;
          return conn.preparedQuery(UPDATE).execute(updateParams(result))
              .compose(r -> insertEvents(conn, events))
              .compose(v -> CalendarSyncSql.enqueue(conn, result))
              .map(result::withCalendarSync);
        })));
  }

  Future<Meeting> cancel(CancelMeeting command) {
    return pool.withTransaction(conn -> lockForChange(conn, command.accountId(), command.meetingId(),
        command.expectedVersion()).compose(current -> {
          Meeting next = cancelled(current, now());
          return conn.preparedQuery(UPDATE).execute(updateParams(next))
              .compose(r -> insertEvents(conn, List.of(MeetingEvent.cancelled(next, MeetingEvent.SOURCE_API))))
              .compose(v -> CalendarSyncSql.enqueue(conn, next))
              .map(next::withCalendarSync);
        }));
  }

  Future<OffsetDateTime> databaseTime() {
    return pool.query("SELECT now()").execute().map(rows -> rows.iterator().next().getOffsetDateTime(0));
  }

  /** Locks the row for the rest of the transaction, so concurrent changes of one meeting queue up. */
  private static Future<Meeting> lockForChange(SqlClient conn, String accountId, String meetingId,
                                               Integer expectedVersion) {
    return conn.preparedQuery(LOCK_ONE).execute(Tuple.of(meetingId, accountId)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound(meetingId);
      }
      Meeting current = fromRow(rows.iterator().next());
      if (current.cancelled()) {
        throw new MeetingStoreException(Kind.CANCELLED, "meeting " + meetingId + " is cancelled");
      }
      if (expectedVersion != null && expectedVersion != current.version()) {
        throw new MeetingStoreException(Kind.VERSION_MISMATCH,
            "meeting " + meetingId + " is at version " + current.version() + ", not " + expectedVersion);
      }
      return current;
    });
  }

  private static Future<Void> insertEvents(SqlClient conn, List<MeetingEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(events.size());
    for (MeetingEvent e : events) {
      Meeting m = e.meeting();
      batch.add(Tuple.of(Ids.event(), m.accountId(), m.id(), e.type(), e.sequence(), e.data(),
          e.at().atOffset(ZoneOffset.UTC)));
    }
    return conn.preparedQuery(INSERT_EVENT).executeBatch(batch).mapEmpty();
  }

  /**
   * Writes one outbox event in the caller's transaction, for events that are not a meeting change
   * (calendar connections, calendar sync failures): they have no {@code sequence} column of their
   * own, so that they never collide with the change events of a meeting.
   *
   * @param meetingId {@code null} for events about no meeting
   */
  public static Future<Void> insertEvent(SqlClient conn, String accountId, String meetingId, String type,
                                         JsonObject data, Instant at) {
    return conn.preparedQuery(INSERT_EVENT)
        .execute(Tuple.of(Ids.event(), accountId, meetingId, type, null, data, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  private static Meeting cancelled(Meeting m, Instant now) {
    return new Meeting(m.id(), m.accountId(), m.seq(), m.title(), m.description(), m.location(), m.start(), m.end(),
        m.hosts(), m.attendees(), m.notes(), m.conferencing(), m.calendarConnectionId(),
        new Cancellation(now, m.accountId(), CANCEL_REASON), m.version() + 1, m.createdAt(), now, m.calendarSync());
  }

  private static Meeting withSeq(Meeting m, long seq) {
    return new Meeting(m.id(), m.accountId(), seq, m.title(), m.description(), m.location(), m.start(), m.end(),
        m.hosts(), m.attendees(), m.notes(), m.conferencing(), m.calendarConnectionId(), m.cancellation(),
        m.version(), m.createdAt(), m.updatedAt(), m.calendarSync());
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

  static Meeting fromRow(Row row) {
    OffsetDateTime cancelledAt = row.getOffsetDateTime("cancelled_at");
    return new Meeting(
        row.getString("id"),
        row.getString("account_id"),
        row.getLong("seq"),
        row.getString("title"),
        row.getString("description"),
        row.getString("location"),
        inOffset(row.getOffsetDateTime("start_at"), row.getInteger("start_offset")),
        inOffset(row.getOffsetDateTime("end_at"), row.getInteger("end_offset")),
        people(row.getJsonArray("hosts")),
        people(row.getJsonArray("attendees")),
        row.getString("notes"),
        Conferencing.fromJson(row.getJsonObject("conferencing")),
        row.getString("calendar_connection_id"),
        cancelledAt == null ? null
            : new Cancellation(cancelledAt.toInstant(), row.getString("cancelled_by"), row.getString("cancel_reason")),
        row.getInteger("version"),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant(),
        CalendarSync.fromRow(row));
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
