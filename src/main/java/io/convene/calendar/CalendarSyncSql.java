package io.convene.calendar;

import io.convene.meeting.CalendarSync;
import io.convene.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The calendar worker's SQL for {@code calendar_sync_jobs} (the calendar outbox, which a change
 * appends to through {@link Outbox}) and {@code calendar_events} (where each meeting's Google event is
 * and how its sync stands).
 *
 * <p>Lock order, everywhere: the job row, then the event row. A change takes them in that order
 * in its statement; the worker's final write does too; its intermediate writes touch only the
 * event row, in a statement of their own. Every write of the worker is guarded by its lease token,
 * so a worker whose lease ran out can no longer write anything.
 */
public final class CalendarSyncSql {
  public static final String SYNC_FAILED = "meeting.calendar_sync_failed";

  private static final String CLAIM = "UPDATE calendar_sync_jobs j SET lease_token = $1,"
      + " lease_until = now() + make_interval(secs => $2), updated_at = now(),"
      // a lease that ran out means an attempt died with its process: it counts
      + " attempts = j.attempts + CASE WHEN j.lease_until IS NULL THEN 0 ELSE 1 END"
      + " FROM (SELECT meeting_id FROM calendar_sync_jobs"
      + "       WHERE due_at <= now() AND (lease_until IS NULL OR lease_until <= now())"
      + "       ORDER BY due_at LIMIT $3 FOR UPDATE SKIP LOCKED) due"
      + " WHERE j.meeting_id = due.meeting_id"
      + " RETURNING j.meeting_id, j.account_id, j.target_version, j.attempts";
  private static final String NEXT_DUE = "SELECT CEIL(EXTRACT(EPOCH FROM"
      + " (min(GREATEST(due_at, COALESCE(lease_until, due_at))) - now())) * 1000)::bigint FROM calendar_sync_jobs";
  private static final String STATE = "SELECT connection_id, calendar_id, event_id, etag, meet_link"
      + " FROM calendar_events WHERE meeting_id = $1";
  private static final String HOLDS_LEASE = "EXISTS (SELECT 1 FROM calendar_sync_jobs"
      + " WHERE meeting_id = $1 AND lease_token = $2)";
  private static final String SAVE_EVENT = "UPDATE calendar_events SET connection_id = $3, calendar_id = $4,"
      + " event_id = $5, etag = $6, meet_link = $7, updated_at = now() WHERE meeting_id = $1 AND " + HOLDS_LEASE;
  private static final String DONE = "DELETE FROM calendar_sync_jobs"
      + " WHERE meeting_id = $1 AND lease_token = $2 AND target_version <= $3 RETURNING 1";
  // A newer version arrived while the worker ran: the job goes again at once, with that version.
  private static final String AGAIN = "UPDATE calendar_sync_jobs SET lease_token = NULL, lease_until = NULL,"
      + " attempts = 0, last_error = NULL, due_at = now(), updated_at = now()"
      + " WHERE meeting_id = $1 AND lease_token = $2 RETURNING 1";
  private static final String RETRY = "UPDATE calendar_sync_jobs SET lease_token = NULL, lease_until = NULL,"
      + " attempts = attempts + 1, last_error = $3, due_at = now() + make_interval(secs => $4), updated_at = now()"
      + " WHERE meeting_id = $1 AND lease_token = $2 RETURNING 1";
  private static final String SETTLE = "UPDATE calendar_events SET status = $2, error = $3,"
      + " synced_version = COALESCE($4, synced_version), updated_at = now() WHERE meeting_id = $1";

  /** A claimed job. {@code attempts} counts the failed attempts before this one. */
  record Job(String meetingId, String accountId, int targetVersion, int attempts, String leaseToken) {
  }

  /** Where the meeting's event is; all {@code null} but {@code meetLink} when it has none. */
  record EventState(String connectionId, String calendarId, String eventId, String etag, String meetLink) {
    static final EventState EMPTY = new EventState(null, null, null, null, null);

    boolean hasEvent() {
      return eventId != null;
    }

    EventState withEvent(String connectionId, String calendarId, String eventId, String etag, String meetLink) {
      return new EventState(connectionId, calendarId, eventId, etag, meetLink);
    }

    EventState withoutEvent(boolean keepMeetLink) {
      return new EventState(null, null, null, null, keepMeetLink ? meetLink : null);
    }
  }

  /** The worker could no longer prove it owns the job: another worker took it over. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(String meetingId) {
      super("lease on the calendar job of " + meetingId + " was lost", null, false, false);
    }
  }

  private final Pool pool;

  CalendarSyncSql(Pool pool) {
    this.pool = pool;
  }

  Future<List<Job>> claim(String leaseToken, int leaseSeconds, int limit) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(leaseToken, (double) leaseSeconds, limit)).map(rows -> {
      List<Job> jobs = new ArrayList<>(rows.size());
      for (Row row : rows) {
        jobs.add(new Job(row.getString("meeting_id"), row.getString("account_id"), row.getInteger("target_version"),
            row.getInteger("attempts"), leaseToken));
      }
      return jobs;
    });
  }

  /** Milliseconds until the next job is due or its lease runs out; {@code null} when there is none. */
  Future<Long> nextDueInMillis() {
    return pool.query(NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  Future<EventState> state(String meetingId) {
    return pool.preparedQuery(STATE).execute(Tuple.of(meetingId)).map(rows -> {
      if (rows.size() == 0) {
        return EventState.EMPTY;
      }
      Row row = rows.iterator().next();
      return new EventState(row.getString("connection_id"), row.getString("calendar_id"), row.getString("event_id"),
          row.getString("etag"), row.getString("meet_link"));
    });
  }

  /** Fails with {@link LeaseLost} unless the worker still owns the job. */
  Future<Void> checkLease(Job job) {
    return pool.preparedQuery("SELECT " + HOLDS_LEASE).execute(Tuple.of(job.meetingId(), job.leaseToken()))
        .map(rows -> {
          if (!rows.iterator().next().getBoolean(0)) {
            throw new LeaseLost(job.meetingId());
          }
          return null;
        });
  }

  /** Records a Google write as soon as it happened, so that a later failure cannot lose it. */
  Future<Void> saveEvent(Job job, EventState state) {
    return pool.preparedQuery(SAVE_EVENT)
        .execute(Tuple.of(job.meetingId(), job.leaseToken(), state.connectionId(), state.calendarId(), state.eventId(),
            state.etag(), state.meetLink()))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            throw new LeaseLost(job.meetingId());
          }
          return null;
        });
  }

  /**
   * The meeting's calendar now shows {@code version}: the job is done, or goes again at once when a
   * newer version arrived meanwhile.
   *
   * @return the status the meeting now shows
   */
  Future<String> finish(Job job, int version, String status, java.util.Collection<String> usedConnectionIds) {
    return pool.withTransaction(conn -> closeJob(conn, job, version).compose(done -> {
      String shown = done ? status : CalendarSync.PENDING;
      Future<Void> used = Future.succeededFuture();
      for (String connectionId : usedConnectionIds) {
        used = used.compose(v -> CalendarConnections.markUsed(conn, connectionId));
      }
      return used.compose(v -> conn.preparedQuery(SETTLE).execute(Tuple.of(job.meetingId(), shown, null, version)))
          .map(shown);
    }));
  }

  /**
   * A permanent failure at {@code version}: recorded on the meeting and sent as
   * {@code meeting.calendar_sync_failed}, unless a newer version arrived (then that one is tried).
   *
   * @return the status the meeting now shows
   */
  Future<String> fail(Job job, int version, String error, String userEmail) {
    return pool.withTransaction(conn -> closeJob(conn, job, version).compose(done -> {
      if (!done) {
        return conn.preparedQuery(SETTLE).execute(Tuple.of(job.meetingId(), CalendarSync.PENDING, null, null))
            .map(CalendarSync.PENDING);
      }
      Instant now = Instant.now();
      JsonObject data = new JsonObject()
          .put("meeting_id", job.meetingId())
          .put("user_email", userEmail)
          .put("error", error)
          .put("failed_at", io.convene.time.Rfc3339.formatUtc(now))
          .put("sequence", version);
      return conn.preparedQuery(SETTLE).execute(Tuple.of(job.meetingId(), CalendarSync.FAILED, error, null))
          .compose(r -> Outbox.append(conn, job.accountId(), job.meetingId(), SYNC_FAILED, data, now))
          .map(CalendarSync.FAILED);
    }));
  }

  /** A transient failure: the job waits {@code delayMillis}, then goes again. */
  Future<Void> retryLater(Job job, long delayMillis, String error) {
    return pool.preparedQuery(RETRY)
        .execute(Tuple.of(job.meetingId(), job.leaseToken(), error, delayMillis / 1000.0))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new LeaseLost(job.meetingId());
          }
          return null;
        });
  }

  /** The meeting is gone (its tenant was deleted): nothing is left to mirror. */
  Future<Void> drop(Job job) {
    return pool.preparedQuery("DELETE FROM calendar_sync_jobs WHERE meeting_id = $1 AND lease_token = $2")
        .execute(Tuple.of(job.meetingId(), job.leaseToken())).mapEmpty();
  }

  /** {@code true} when the job is done, {@code false} when it goes again; fails when the lease was lost. */
  private static Future<Boolean> closeJob(SqlClient conn, Job job, int version) {
    return conn.preparedQuery(DONE).execute(Tuple.of(job.meetingId(), job.leaseToken(), version)).compose(done -> {
      if (done.size() > 0) {
        return Future.succeededFuture(true);
      }
      return conn.preparedQuery(AGAIN).execute(Tuple.of(job.meetingId(), job.leaseToken())).map(again -> {
        if (again.size() == 0) {
          throw new LeaseLost(job.meetingId());
        }
        return false;
      });
    });
  }
}
