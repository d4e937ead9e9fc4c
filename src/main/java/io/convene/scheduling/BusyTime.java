package io.convene.scheduling;

import io.convene.scheduling.SlotFinder.Interval;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's own meetings that make its users busy (contracts-scheduling.md §A4, point 1): live
 * meetings whose attendees or hosts hold the user's email, compared case-insensitively. Only this
 * tenant's meetings are read.
 */
public final class BusyTime {
  private static final String MEETINGS = "SELECT m.id, m.start_at, m.end_at, m.attendee_emails,"
      + " meeting_email_keys(m.hosts) AS host_keys"
      + " FROM meetings m WHERE m.account_id = $1 AND m.cancelled_at IS NULL AND m.start_at < $3 AND m.end_at > $2"
      // Both sides by index (attendee_emails, and meeting_email_keys(hosts), V31).
      + " AND (m.attendee_emails && $4::text[] OR meeting_email_keys(m.hosts) && $4::text[])"
      + " AND m.id IS DISTINCT FROM $5";

  /** One user's meetings: when they are busy, and when each starts (the per-day cap). */
  public record Meetings(List<Interval> busy, List<Instant> starts) {
  }

  private BusyTime() {
  }

  /**
   * The meetings over {@code [from, to)} of each email key, in a map by key (every key present).
   *
   * @param except a meeting that does not count (the one being rescheduled), or {@code null}
   */
  public static Future<Map<String, Meetings>> of(SqlClient sql, String accountId, List<String> keys, Instant from,
                                                 Instant to, String except) {
    Tuple params = Tuple.tuple().addValue(accountId).addValue(from.atOffset(ZoneOffset.UTC))
        .addValue(to.atOffset(ZoneOffset.UTC)).addValue(keys.toArray(String[]::new)).addValue(except);
    return sql.preparedQuery(MEETINGS).execute(params).map(rows -> {
      Map<String, Meetings> out = new HashMap<>();
      keys.forEach(k -> out.put(k, new Meetings(new ArrayList<>(), new ArrayList<>())));
      for (Row row : rows) {
        Interval when = new Interval(row.getOffsetDateTime("start_at").toInstant(), row.getOffsetDateTime("end_at").toInstant());
        List<String> people = new ArrayList<>(List.of(row.getArrayOfStrings("attendee_emails")));
        for (String host : row.getArrayOfStrings("host_keys")) {
          if (!people.contains(host)) {
            people.add(host);
          }
        }
        for (String key : people) {
          Meetings m = out.get(key);
          if (m != null) {
            m.busy().add(when);
            m.starts().add(when.start());
          }
        }
      }
      return out;
    });
  }
}
