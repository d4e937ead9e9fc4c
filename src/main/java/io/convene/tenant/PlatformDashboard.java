package io.convene.tenant;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * What {@code GET /v1/platform/dashboard} reports about one tenant, read in one statement: its
 * meetings by creation month and status, how many were moved, its live calendar connections and its
 * webhook deliveries of the last 24 hours by outcome. Months are UTC calendar months.
 */
public final class PlatformDashboard {
  private static final String READ = "WITH b AS (SELECT"
      + "   date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS month_start,"
      + "   (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month') AT TIME ZONE 'UTC' AS last_month_start,"
      + "   now() - interval '24 hours' AS day_ago)"
      + " SELECT a.id, a.name, m.total, m.this_month, m.last_month, m.cancelled, m.moved,"
      + "  d.success, d.failed, d.pending,"
      + "  (SELECT count(*) FROM calendar_connections c WHERE c.account_id = a.id AND c.revoked_at IS NULL) AS connected"
      + " FROM accounts a CROSS JOIN b,"
      + " LATERAL (SELECT count(*) AS total,"
      + "   count(*) FILTER (WHERE x.created_at >= b.month_start) AS this_month,"
      + "   count(*) FILTER (WHERE x.created_at >= b.last_month_start AND x.created_at < b.month_start) AS last_month,"
      + "   count(*) FILTER (WHERE x.created_at >= b.month_start AND x.cancelled_at IS NOT NULL) AS cancelled,"
      // Moved: a change after scheduling gave it another start or end (rescheduled at least once).
      + "   count(*) FILTER (WHERE x.created_at >= b.month_start AND EXISTS (SELECT 1 FROM events e"
      + "     WHERE e.meeting_id = x.id AND e.type = 'meeting.updated'"
      + "     AND ((e.data->'changes'->>'old_start_time')::timestamptz <> (e.data->'changes'->>'new_start_time')::timestamptz"
      + "       OR (e.data->'changes'->>'old_end_time')::timestamptz <> (e.data->'changes'->>'new_end_time')::timestamptz)))"
      + "     AS moved"
      + "   FROM meetings x WHERE x.account_id = a.id) m,"
      + " LATERAL (SELECT count(*) FILTER (WHERE w.status = 'success') AS success,"
      + "   count(*) FILTER (WHERE w.status = 'failed') AS failed,"
      + "   count(*) FILTER (WHERE w.status = 'pending') AS pending"
      + "   FROM webhook_deliveries w WHERE w.account_id = a.id AND w.created_at >= b.day_ago) d"
      + " WHERE a.id = $1";

  /** The counts; {@code moved} and {@code cancelled} are among this month's meetings. */
  public record Figures(String accountId, String name, long totalMeetings, long thisMonth, long lastMonth,
                        long cancelledThisMonth, long movedThisMonth, long connectedUsers,
                        long deliveriesSucceeded, long deliveriesFailed, long deliveriesPending) {
  }

  private final Pool pool;

  public PlatformDashboard(Pool pool) {
    this.pool = pool;
  }

  /** {@code null} when the account does not exist (any more). */
  public Future<Figures> read(String accountId) {
    return pool.preparedQuery(READ).execute(Tuple.of(accountId))
        .map(rows -> rows.size() == 0 ? null : figures(rows.iterator().next()));
  }

  private static Figures figures(Row row) {
    return new Figures(row.getString("id"), row.getString("name"), row.getLong("total"), row.getLong("this_month"),
        row.getLong("last_month"), row.getLong("cancelled"), row.getLong("moved"), row.getLong("connected"),
        row.getLong("success"), row.getLong("failed"), row.getLong("pending"));
  }
}
