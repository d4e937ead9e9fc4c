package io.convene.outbox;

import io.convene.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The outbox: the {@code events} table and the work a change leaves for the workers (one webhook
 * delivery per subscribed endpoint, the meeting's one calendar job), written in the statement of the
 * change that causes them, and the in-process wake-ups that tell the workers there is work.
 *
 * <p>Every writer of an event goes through here, so that an event never commits without its
 * deliveries. Other instances learn of a change's work from the {@code NOTIFY} that {@link OutboxNotifier}
 * sends after its commit; an event appended by {@link #append} notifies in its own transaction (those are
 * rare, and their callers announce nothing).
 */
public final class Outbox {
  /** What the webhook workers of every instance listen on ({@code LISTEN}). */
  public static final String WEBHOOKS_CHANNEL = "convene_webhooks";
  /** What the calendar workers of every instance listen on. */
  public static final String CALENDAR_CHANNEL = "convene_calendar_sync";
  /** Published (no body) when a committed change queued webhook deliveries. */
  public static final String WEBHOOKS_QUEUED = "convene.outbox.webhooks";
  /** Published (no body) when a committed change queued or re-targeted a calendar job. */
  public static final String CALENDAR_QUEUED = "convene.outbox.calendar";

  /**
   * CTEs that append events and fan them out, to follow a CTE named {@code changed} that returns the
   * changed meeting's {@code id} and {@code account_id} (no row: nothing is appended). The events come
   * as four parallel arrays (ids, types, sequences, data), at parameters {@code $first} to
   * {@code $first+3}; their time is parameter {@code $at}. Defines {@code appended} and
   * {@code delivered}.
   */
  public static String appendAfterChange(int first, int at) {
    return " appended AS (INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)"
        + " SELECT e.id, c.account_id, c.id, e.type, e.sequence, e.data, $" + at
        + " FROM changed c, unnest($" + first + "::text[], $" + (first + 1) + "::text[], $" + (first + 2)
        + "::int[], $" + (first + 3) + "::jsonb[]) AS e(id, type, sequence, data)"
        + " RETURNING id, account_id, type, seq),"
        + FAN_OUT;
  }

  /**
   * One delivery per enabled endpoint of the tenant that subscribes to the event's type, for each row
   * of a CTE named {@code appended} ({@code id, account_id, type, seq} of new events), in the events'
   * order; defines {@code delivered}. The join costs one index probe of the tenant's endpoints, whether
   * it has any or not.
   */
  public static final String FAN_OUT = " delivered AS (INSERT INTO webhook_deliveries"
      + " (account_id, endpoint_id, event_id, url, next_attempt_at)"
      + " SELECT a.account_id, w.id, a.id, w.url, now() FROM appended a"
      + " JOIN webhook_endpoints w ON w.account_id = a.account_id AND w.enabled AND a.type = ANY (w.event_types)"
      + " ORDER BY a.seq, w.id RETURNING 1)";

  /**
   * CTEs that queue (or re-target) the changed meeting's calendar job when it has calendar work, and
   * mark its mirror pending; to follow {@code changed}, which must also return {@code version} and
   * {@code calendar_connection_id}. Defines {@code job} and {@code sync_state}. A meeting has calendar
   * work when it names a live connection, or when it was on a calendar before (its event may have to
   * move, change or go). Lock order, as everywhere: the job row, then the event row.
   */
  public static final String QUEUE_CALENDAR_JOB = " job AS (INSERT INTO calendar_sync_jobs"
      + " (meeting_id, account_id, target_version, due_at, created_at, updated_at)"
      + " SELECT c.id, c.account_id, c.version, now(), now(), now() FROM changed c"
      + " WHERE EXISTS (SELECT 1 FROM calendar_connections k WHERE k.id = c.calendar_connection_id"
      + "   AND k.account_id = c.account_id AND k.revoked_at IS NULL)"
      + "  OR EXISTS (SELECT 1 FROM calendar_events s WHERE s.meeting_id = c.id)"
      + " ON CONFLICT (meeting_id) DO UPDATE SET"
      + "  target_version = GREATEST(calendar_sync_jobs.target_version, EXCLUDED.target_version), updated_at = now()"
      + " RETURNING meeting_id, account_id),"
      + " sync_state AS (INSERT INTO calendar_events (meeting_id, account_id, status, updated_at)"
      + " SELECT meeting_id, account_id, 'pending', now() FROM job"
      + " ON CONFLICT (meeting_id) DO UPDATE SET status = 'pending', error = NULL, updated_at = now()"
      + " RETURNING status, error, meet_link)";

  /** Columns of the final {@code SELECT} that say what the change queued. */
  public static final String QUEUED_COLUMNS = " (SELECT count(*) FROM delivered) AS deliveries_queued,"
      + " (SELECT count(*) FROM job) AS calendar_jobs_queued,"
      + " (SELECT json_build_object('status', status, 'error', error, 'meet_link', meet_link) FROM sync_state)"
      + " AS calendar_sync";

  /** {@link #QUEUED_COLUMNS} of a change that has no {@link #QUEUE_CALENDAR_JOB}: it queues nothing for the calendar. */
  public static final String QUEUED_NO_CALENDAR_COLUMNS = " (SELECT count(*) FROM delivered) AS deliveries_queued,"
      + " 0::bigint AS calendar_jobs_queued, NULL::json AS calendar_sync";

  private static final String APPEND_ONE = "WITH appended AS (INSERT INTO events"
      + " (id, account_id, meeting_id, type, sequence, data, created_at) VALUES ($1, $2, $3, $4, NULL, $5, $6)"
      + " RETURNING id, account_id, type, seq)," + FAN_OUT
      + " SELECT pg_notify('" + WEBHOOKS_CHANNEL + "', '') WHERE EXISTS (SELECT 1 FROM delivered)";

  private Outbox() {
  }

  /** What one change left for the workers. */
  public record Queued(long deliveries, long calendarJobs) {
    public static Queued of(Row row) {
      return new Queued(row.getLong("deliveries_queued"), row.getLong("calendar_jobs_queued"));
    }
  }

  /**
   * Appends an event that is not a meeting change (calendar connections, calendar sync failures) in
   * the caller's transaction: it has no {@code sequence}, so that it never collides with the change
   * events of a meeting.
   *
   * @param meetingId {@code null} for events about no meeting
   */
  public static Future<Void> append(SqlClient conn, String accountId, String meetingId, String type,
                                    JsonObject data, Instant at) {
    return conn.preparedQuery(APPEND_ONE)
        .execute(Tuple.of(Ids.event(), accountId, meetingId, type, data, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  /**
   * Wakes the workers for what a committed change queued, and only for that: this process's at once,
   * the other instances' through {@link OutboxNotifier}.
   */
  public static void announce(Vertx vertx, Queued queued) {
    if (queued.deliveries() > 0) {
      vertx.eventBus().publish(WEBHOOKS_QUEUED, null);
    }
    if (queued.calendarJobs() > 0) {
      vertx.eventBus().publish(CALENDAR_QUEUED, null);
    }
  }
}
