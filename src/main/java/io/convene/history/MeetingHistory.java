package io.convene.history;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A meeting's change history (contracts-scheduling.md §C): the events its changes wrote, in insertion
 * order ({@code events.seq}), whether or not any endpoint subscribed. Read in one statement that also
 * says whether the meeting is the tenant's; every statement is scoped by tenant.
 */
public final class MeetingHistory {
  /** The types a meeting's history can hold, the filter's vocabulary. */
  public static final List<String> TYPES = List.of("meeting.scheduled", "meeting.updated", "meeting.cancelled",
      "meeting.rescheduled", "meeting.calendar_sync_failed");

  private static final String PAGE = "SELECT e.id, e.type, e.sequence, e.data, e.created_at, e.seq FROM meetings m"
      + " LEFT JOIN LATERAL (SELECT id, type, sequence, data, created_at, seq FROM events"
      + "   WHERE meeting_id = m.id AND account_id = m.account_id AND ($3::text IS NULL OR type = $3) AND seq > $4"
      + "   ORDER BY seq LIMIT $5 OFFSET $6) e ON true"
      + " WHERE m.id = $1 AND m.account_id = $2 ORDER BY e.seq";

  /**
   * One change as its webhook carried (or would have carried) it. {@code sequence} is {@code data.sequence},
   * also for rows whose column is empty; {@code position} orders the history (the cursor).
   */
  public record Item(String id, String type, Integer sequence, JsonObject data, OffsetDateTime createdAt, long position) {
  }

  /** {@code null} items: the meeting is not the tenant's. */
  public record Page(List<Item> items, boolean hasMore) {
  }

  private final Pool pool;

  public MeetingHistory(Pool pool) {
    this.pool = pool;
  }

  /**
   * @param type  one of {@link #TYPES}, or {@code null} for all
   * @param after the position of the last item of the page before (0 for the start)
   * @return {@code null} when the tenant has no such meeting
   */
  public Future<Page> page(String accountId, String meetingId, String type, long after, int offset, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(meetingId, accountId, type, after, limit + 1, offset)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      List<Item> items = new ArrayList<>();
      for (Row row : rows) {
        if (row.getString("id") != null) {
          JsonObject data = row.getJsonObject("data");
          Integer sequence = row.getInteger("sequence");
          items.add(new Item(row.getString("id"), row.getString("type"),
              sequence != null ? sequence : data.getInteger("sequence"), data, row.getOffsetDateTime("created_at"),
              row.getLong("seq")));
        }
      }
      boolean more = items.size() > limit;
      return new Page(more ? items.subList(0, limit) : items, more);
    });
  }
}
