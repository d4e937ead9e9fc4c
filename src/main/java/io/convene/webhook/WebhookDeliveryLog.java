package io.convene.webhook;

import io.convene.db.CommitsWith;
import io.convene.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The delivery log the APIs show and act on: a tenant's deliveries and their attempts, redelivery, the
 * test event, and the retention that forgets finished deliveries. What the workers claim and record is
 * the {@link WebhookDeliveryQueue}, on the same tables.
 */
public final class WebhookDeliveryLog {
  public static final String PENDING = "pending";
  public static final String SUCCESS = "success";
  public static final String FAILED = "failed";

  /** What a log shows of one delivery: its latest attempt and where it stands. */
  public record Delivery(String id, long seq, String eventId, String eventType, OffsetDateTime createdAt, String status,
                         Integer responseCode, int attempts, Integer durationMs, String error, String url,
                         OffsetDateTime nextAttemptAt, OffsetDateTime lastAttemptAt) {
  }

  public record Attempt(OffsetDateTime at, String url, Integer responseCode, int durationMs, String error,
                        String responseSnippet) {
  }

  public record Page(List<Delivery> deliveries, boolean hasMore) {
  }

  /** Newest first; {@code null} filters are off; {@code beforeSeq} is the cursor. */
  public record LogQuery(String eventType, String status, Long beforeSeq, int limit) {
  }

  /** A redelivery or test that cannot be queued as asked. */
  public static final class Conflict extends RuntimeException {
    private final String code;

    Conflict(String code, String message) {
      super(message, null, false, false);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private static final String LOG_COLUMNS = "d.id, d.seq, d.event_id, ev.type AS event_type, d.created_at, d.status,"
      + " d.response_code, d.attempts, d.duration_ms, d.error, d.url, d.next_attempt_at, d.last_attempt_at";
  private static final String ONE = "SELECT " + LOG_COLUMNS + " FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id"
      + " WHERE d.id = $1 AND d.account_id = $2";
  private static final String ATTEMPTS = "SELECT attempted_at, url, response_code, duration_ms, error, response_snippet"
      + " FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id";
  private static final String REDELIVERABLE = "SELECT d.event_id, d.status, d.endpoint_id, e.enabled"
      + " FROM webhook_deliveries d LEFT JOIN webhook_endpoints e ON e.id = d.endpoint_id"
      + " WHERE d.id = $1 AND d.account_id = $2 FOR UPDATE OF d";
  private static final String QUEUE = "INSERT INTO webhook_deliveries (account_id, endpoint_id, event_id, url, next_attempt_at)"
      + " SELECT e.account_id, e.id, $3, e.url, now() FROM webhook_endpoints e"
      + " WHERE e.id = $1 AND e.account_id = $2 AND e.enabled RETURNING id";
  private static final String INSERT_TEST_EVENT = "INSERT INTO events (id, account_id, meeting_id, type, sequence, data,"
      + " created_at) VALUES ($1, $2, NULL, '" + WebhookEndpoint.TEST_EVENT + "', NULL, $3, now())";
  private static final String EXPIRE = "DELETE FROM webhook_deliveries WHERE status <> 'pending'"
      + " AND updated_at < now() - make_interval(days => $1)";

  private final Pool pool;

  public WebhookDeliveryLog(Pool pool) {
    this.pool = pool;
  }

  public Future<Page> log(String accountId, LogQuery query) {
    Tuple params = Tuple.of(accountId);
    StringBuilder sql = new StringBuilder("SELECT ").append(LOG_COLUMNS)
        .append(" FROM webhook_deliveries d JOIN events ev ON ev.id = d.event_id WHERE d.account_id = $1");
    if (query.eventType() != null) {
      params.addValue(query.eventType());
      sql.append(" AND ev.type = $").append(params.size());
    }
    if (query.status() != null) {
      params.addValue(query.status());
      sql.append(" AND d.status = $").append(params.size());
    }
    if (query.beforeSeq() != null) {
      params.addValue(query.beforeSeq());
      sql.append(" AND d.seq < $").append(params.size());
    }
    params.addValue(query.limit() + 1);
    sql.append(" ORDER BY d.seq DESC LIMIT $").append(params.size());
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      List<Delivery> out = new ArrayList<>(rows.size());
      rows.forEach(row -> out.add(delivery(row)));
      boolean hasMore = out.size() > query.limit();
      return new Page(hasMore ? out.subList(0, query.limit()) : out, hasMore);
    });
  }

  /** The delivery, or {@code null} when the tenant has none with that id. */
  public Future<Delivery> get(String accountId, String deliveryId) {
    return pool.preparedQuery(ONE).execute(Tuple.of(deliveryId, accountId))
        .map(rows -> rows.size() == 0 ? null : delivery(rows.iterator().next()));
  }

  /**
   * Every attempt of the delivery, oldest first: the logged ones, and the successful one its own row
   * holds when that one was not logged on its own.
   */
  public Future<List<Attempt>> attempts(Delivery delivery) {
    return pool.preparedQuery(ATTEMPTS).execute(Tuple.of(delivery.id())).map(rows -> {
      List<Attempt> out = new ArrayList<>(rows.size() + 1);
      for (Row row : rows) {
        out.add(new Attempt(row.getOffsetDateTime("attempted_at"), row.getString("url"), row.getInteger("response_code"),
            row.getInteger("duration_ms"), row.getString("error"), row.getString("response_snippet")));
      }
      if (SUCCESS.equals(delivery.status()) && out.size() < delivery.attempts()) {
        out.add(new Attempt(delivery.lastAttemptAt(), delivery.url(), delivery.responseCode(), delivery.durationMs(),
            null, null));
        out.sort(Comparator.comparing(Attempt::at));
      }
      return out;
    });
  }

  /**
   * Queues the delivery's event again to the same endpoint, as a new delivery with the same
   * {@code webhook-id}; {@code null} when the tenant has no such delivery. {@code record}, if any,
   * commits with the new delivery.
   */
  public Future<Delivery> redeliver(String accountId, String deliveryId, CommitsWith<Delivery> record) {
    return pool.withTransaction(conn -> conn.preparedQuery(REDELIVERABLE).execute(Tuple.of(deliveryId, accountId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture();
          }
          Row row = rows.iterator().next();
          if (row.getString("endpoint_id") == null) {
            throw new Conflict("webhook_deleted", "the endpoint of delivery " + deliveryId + " was deleted");
          }
          if (PENDING.equals(row.getString("status"))) {
            throw new Conflict("delivery_pending", "delivery " + deliveryId + " is still being attempted");
          }
          return queue(conn, accountId, row.getString("endpoint_id"), row.getString("event_id"));
        })
        .compose(queued -> CommitsWith.written(record, conn, queued)));
  }

  /** Writes a {@code webhook.test} event and queues it to one endpoint; {@code record}, if any, commits with it. */
  public Future<Delivery> queueTest(String accountId, String endpointId, CommitsWith<Delivery> record) {
    String eventId = Ids.event();
    JsonObject data = new JsonObject().put("message", "This is a test event from Convene.");
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT_TEST_EVENT).execute(Tuple.of(eventId, accountId, data))
        .compose(r -> queue(conn, accountId, endpointId, eventId))
        .compose(queued -> CommitsWith.written(record, conn, queued)));
  }

  private static Future<Delivery> queue(SqlClient conn, String accountId, String endpointId, String eventId) {
    return conn.preparedQuery(QUEUE).execute(Tuple.of(endpointId, accountId, eventId)).compose(rows -> {
      if (rows.size() == 0) {
        throw new Conflict("webhook_disabled", "the webhook endpoint is disabled; enable it first");
      }
      return conn.preparedQuery(ONE).execute(Tuple.of(rows.iterator().next().getString("id"), accountId))
          .map(one -> delivery(one.iterator().next()));
    });
  }

  /** Forgets finished deliveries (and their attempts) older than the retention. */
  Future<Integer> expire(int retentionDays) {
    return pool.preparedQuery(EXPIRE).execute(Tuple.of(retentionDays)).map(rows -> rows.rowCount());
  }

  private static Delivery delivery(Row row) {
    return new Delivery(row.getString("id"), row.getLong("seq"), row.getString("event_id"), row.getString("event_type"),
        row.getOffsetDateTime("created_at"), row.getString("status"), row.getInteger("response_code"),
        row.getInteger("attempts"), row.getInteger("duration_ms"), row.getString("error"), row.getString("url"),
        row.getOffsetDateTime("next_attempt_at"), row.getOffsetDateTime("last_attempt_at"));
  }
}
