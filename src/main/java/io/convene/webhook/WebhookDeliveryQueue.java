package io.convene.webhook;

import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The delivery queue, the SQL the workers run on {@code webhook_deliveries} and {@code webhook_attempts}:
 * claiming due deliveries under a lease, recording how their attempts ended, giving leases back, and
 * failing what an endpoint no longer takes. Deliveries are created with their event, in the statement
 * that appends it ({@link io.convene.outbox.Outbox}), and by the {@link WebhookDeliveryLog} for the test
 * event and redeliveries; inserting one notifies {@value WebhookDeliveryVerticle#CHANNEL} at commit. An
 * attempt gets a row of its own only when it tells more than the delivery's row: a delivery that
 * succeeded at its first attempt shows that attempt from its own columns.
 */
public final class WebhookDeliveryQueue {
  /** A delivery this worker holds the lease of, with all it needs to send it. */
  record Claimed(String id, int attempts, Position due, String accountId, String endpointId, String url, String sealedSecret,
                 String sealedPreviousSecret, int timeoutSeconds, int maxRetries, String eventId, String eventType,
                 JsonObject data, OffsetDateTime eventAt, String leaseToken) {

    /** The envelope (contracts.md §4): the same text on every attempt, so the webhook-id always means the same body. */
    String body() {
      return new JsonObject()
          .put("id", eventId)
          .put("event_type", eventType)
          .put("timestamp", Rfc3339.formatUtc(eventAt.truncatedTo(ChronoUnit.SECONDS)))
          .put("platform_id", accountId)
          .put("api_version", "v1")
          .put("data", data)
          .encode();
    }
  }

  /** A delivery's place in its endpoint's queue: the claim's index order. */
  record Position(OffsetDateTime at, long seq) implements Comparable<Position> {
    @Override
    public int compareTo(Position other) {
      int byTime = at.compareTo(other.at);
      return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }
  }

  /** How an attempt ends for the delivery: {@code nextAttemptMillis} only when it stays pending. */
  record Verdict(String status, Long nextAttemptMillis, boolean gone) {
  }

  /**
   * A claim stays leased for {@link WebhookDeliveryVerticle#PREFETCH} of its endpoint's timeouts (at
   * most PREFETCH - 1 rounds of attempts ahead of it in this worker's queue, then its own) and this
   * margin (time to record the outcome).
   */
  static final int LEASE_MARGIN_SECONDS = 10;

  // Per enabled endpoint, its oldest due deliveries up to its bound (counting those this worker
  // already sends), by index, locked, skipping rows another instance is claiming; then the oldest of
  // those. Rows are locked where they are found: a second lookup of the chosen ids ("id IN (...)")
  // was planned, after statistics saw no pending rows, as a scan of every pending delivery (589 ms a
  // claim with 30,000 waiting, when a burst follows a quiet spell). An endpoint's floor ($6, $7) starts
  // the scan past the index entries of deliveries finished since the last vacuum: they stay in the
  // index, in front of the due ones, and a scan from the start walked all of them on every claim
  // (and visited each one's row while an old snapshot kept them from being marked dead).
  // The chosen rows are then updated where they lie (ctid): joined by id, the generic plan hashed
  // them against a scan of every delivery.
  static final String CLAIM = "WITH busy AS (SELECT * FROM unnest($3::text[], $4::int[], $6::timestamptz[],"
      + " $7::bigint[]) AS b(endpoint_id, n, floor_at, floor_seq)),"
      + " picked AS ("
      + "  SELECT c.ctid FROM webhook_endpoints e"
      + "  LEFT JOIN busy b ON b.endpoint_id = e.id"
      + "  CROSS JOIN LATERAL ("
      + "   SELECT d.ctid, d.next_attempt_at, d.seq FROM webhook_deliveries d"
      + "   WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= now()"
      + "    AND (d.next_attempt_at, d.seq) > (COALESCE(b.floor_at, '-infinity'), COALESCE(b.floor_seq, 0))"
      + "    AND (d.lease_until IS NULL OR d.lease_until <= now())"
      + "   ORDER BY d.next_attempt_at, d.seq LIMIT GREATEST($2 - COALESCE(b.n, 0), 0)"
      + "   FOR UPDATE SKIP LOCKED) c"
      + "  WHERE e.enabled"
      + "  ORDER BY c.next_attempt_at, c.seq LIMIT $1)"
      + " UPDATE webhook_deliveries d"
      + " SET lease_until = now() + make_interval(secs => " + WebhookDeliveryVerticle.PREFETCH + " * e.timeout_seconds + "
      + LEASE_MARGIN_SECONDS + "),"
      + "  lease_token = $5"
      + " FROM webhook_endpoints e, events ev"
      + " WHERE d.ctid = ANY (ARRAY(SELECT ctid FROM picked)) AND e.id = d.endpoint_id AND ev.id = d.event_id"
      + " RETURNING d.id, d.attempts, d.next_attempt_at, d.seq, d.account_id, d.endpoint_id, e.url, e.secret,"
      + "  CASE WHEN e.previous_secret_until > now() THEN e.previous_secret END AS previous_secret,"
      + "  e.timeout_seconds, e.max_retries, ev.id AS event_id, ev.type, ev.data, ev.created_at";
  // When the next retry falls due (by index, per endpoint); NULL when none will. Leases that lapse
  // (their holder died) are found by the worker's poll, see WebhookDeliveryVerticle#POLL_MILLIS.
  private static final String NEXT_DUE = "SELECT ceil(extract(epoch FROM min(n.at) - now()) * 1000)::bigint"
      + " FROM webhook_endpoints e CROSS JOIN LATERAL (SELECT d.next_attempt_at AS at FROM webhook_deliveries d"
      + "  WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at > now()"
      + "  ORDER BY d.next_attempt_at LIMIT 1) n WHERE e.enabled";
  private static final String INSERT_ATTEMPTS = "INSERT INTO webhook_attempts (delivery_id, attempted_at, url,"
      + " response_code, duration_ms, error, response_snippet)"
      + " SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[])";
  private static final String RECORD = "UPDATE webhook_deliveries d SET status = u.status,"
      + " next_attempt_at = CASE WHEN u.status = 'pending' THEN now() + u.delay_ms * interval '1 millisecond' END,"
      + " lease_until = NULL, lease_token = NULL, attempts = d.attempts + 1, url = u.url, response_code = u.code,"
      + " duration_ms = u.duration_ms, error = u.error, last_attempt_at = u.started_at, updated_at = now()"
      + " FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::int[], $7::int[], $8::text[],"
      + "  $9::timestamptz[]) AS u(id, token, status, delay_ms, url, code, duration_ms, error, started_at)"
      + " WHERE d.id = u.id AND d.lease_token = u.token RETURNING d.id";
  // Given back deliveries are due behind the other workers' floors: the notification says so.
  private static final String RELEASE = "WITH released AS (UPDATE webhook_deliveries d SET lease_until = NULL,"
      + " lease_token = NULL FROM unnest($1::text[], $2::text[]) AS u(id, token)"
      + " WHERE d.id = u.id AND d.lease_token = u.token RETURNING 1)"
      + " SELECT pg_notify('" + WebhookDeliveryVerticle.CHANNEL + "', '" + WebhookDeliveryVerticle.RELEASED + "')"
      + " WHERE EXISTS (SELECT 1 FROM released)";
  // The lease lapsed and another worker owns the delivery now: only count the attempt.
  private static final String COUNT_ONLY = "UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE id = ANY($1)";
  private static final String FAIL_PENDING = "UPDATE webhook_deliveries SET status = 'failed', error = $2,"
      + " next_attempt_at = NULL, lease_until = NULL, lease_token = NULL, updated_at = now()"
      + " WHERE endpoint_id = $1 AND account_id = $3 AND status = 'pending'";

  private final Pool pool;

  WebhookDeliveryQueue(Pool pool) {
    this.pool = pool;
  }

  /**
   * Leases up to {@code max} due deliveries of enabled endpoints, at most {@code perEndpoint} in flight
   * per endpoint counting {@code busy} (those this worker already sends), and of an endpoint with a
   * floor only those after it in its queue.
   */
  Future<List<Claimed>> claim(int max, int perEndpoint, Map<String, Integer> busy, Map<String, Position> floors,
                              String leaseToken) {
    Set<String> named = new HashSet<>(busy.keySet());
    named.addAll(floors.keySet());
    String[] endpoints = named.toArray(String[]::new);
    Integer[] counts = new Integer[endpoints.length];
    OffsetDateTime[] floorAt = new OffsetDateTime[endpoints.length];
    Long[] floorSeq = new Long[endpoints.length];
    for (int i = 0; i < endpoints.length; i++) {
      counts[i] = busy.getOrDefault(endpoints[i], 0);
      Position floor = floors.get(endpoints[i]);
      floorAt[i] = floor == null ? null : floor.at();
      floorSeq[i] = floor == null ? null : floor.seq();
    }
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(max, perEndpoint, endpoints, counts, leaseToken).addValue(floorAt).addValue(floorSeq))
        .map(rows -> {
          List<Claimed> out = new ArrayList<>(rows.size());
          for (Row row : rows) {
            out.add(new Claimed(row.getString("id"), row.getInteger("attempts"),
                new Position(row.getOffsetDateTime("next_attempt_at"), row.getLong("seq")), row.getString("account_id"),
                row.getString("endpoint_id"), row.getString("url"), row.getString("secret"),
                row.getString("previous_secret"), row.getInteger("timeout_seconds"), row.getInteger("max_retries"),
                row.getString("event_id"), row.getString("type"), (JsonObject) row.getValue("data"),
                row.getOffsetDateTime("created_at"), leaseToken));
          }
          return out;
        });
  }

  /** Milliseconds until the next retry falls due; {@code null} when none will. */
  Future<Long> nextDue() {
    return pool.query(NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** An attempt that ended, and what it means for its delivery. */
  record Finished(Claimed claimed, WebhookSender.Outcome outcome, Verdict verdict) {
  }

  /**
   * Stores attempts, in the order they ended, in one transaction, and what they mean for each
   * delivery and its endpoint: success clears the endpoint's failure streak; a 410, or five days of
   * failures, disables the endpoint. An attempt whose lease was lost meanwhile is still logged and
   * counted, but its delivery is left to its new owner.
   */
  Future<Void> record(List<Finished> batch) {
    int n = batch.size();
    Attempts attempts = Attempts.of(batch);
    String[] tokens = new String[n];
    String[] statuses = new String[n];
    Long[] delays = new Long[n];
    for (int i = 0; i < n; i++) {
      Finished f = batch.get(i);
      tokens[i] = f.claimed().leaseToken();
      statuses[i] = f.verdict().status();
      delays[i] = f.verdict().nextAttemptMillis();
    }
    return pool.withTransaction(conn -> conn.preparedQuery(RECORD)
        .execute(Tuple.of(attempts.ids, tokens, statuses, delays, attempts.urls, attempts.codes)
            .addValue(attempts.durations).addValue(attempts.errors).addValue(attempts.startedAt))
        .compose(rows -> {
          Set<String> owned = new HashSet<>();
          rows.forEach(row -> owned.add(row.getString(0)));
          String[] lost = batch.stream().map(f -> f.claimed().id()).filter(id -> !owned.contains(id)).toArray(String[]::new);
          Future<Void> counted = lost.length == 0 ? Future.succeededFuture()
              : conn.preparedQuery(COUNT_ONLY).execute(Tuple.of((Object) lost)).mapEmpty();
          List<Finished> logged = batch.stream().filter(f -> needsAttemptRow(f, owned)).toList();
          return counted.compose(v -> insertAttempts(conn, logged)).compose(v -> endpointsAfter(conn, batch, owned));
        }));
  }

  /** Attempts as the parallel arrays the statements unnest. */
  private record Attempts(String[] ids, OffsetDateTime[] startedAt, String[] urls, Integer[] codes,
                          Integer[] durations, String[] errors, String[] snippets) {
    static Attempts of(List<Finished> finished) {
      int n = finished.size();
      Attempts a = new Attempts(new String[n], new OffsetDateTime[n], new String[n], new Integer[n], new Integer[n],
          new String[n], new String[n]);
      for (int i = 0; i < n; i++) {
        Finished f = finished.get(i);
        a.ids[i] = f.claimed().id();
        a.startedAt[i] = f.outcome().startedAt().atOffset(ZoneOffset.UTC);
        a.urls[i] = f.outcome().url();
        a.codes[i] = f.outcome().statusCode();
        a.durations[i] = f.outcome().durationMs();
        a.errors[i] = f.outcome().error();
        a.snippets[i] = f.outcome().snippet();
      }
      return a;
    }
  }

  /**
   * A first attempt that succeeded, recorded on its delivery, is that row itself; every other attempt
   * (and one whose delivery another worker owns now) is logged on its own.
   */
  private static boolean needsAttemptRow(Finished f, Set<String> owned) {
    return f.claimed().attempts() > 0 || !WebhookDeliveryLog.SUCCESS.equals(f.verdict().status()) || !owned.contains(f.claimed().id());
  }

  private static Future<Void> insertAttempts(SqlClient conn, List<Finished> logged) {
    if (logged.isEmpty()) {
      return Future.succeededFuture();
    }
    Attempts a = Attempts.of(logged);
    return conn.preparedQuery(INSERT_ATTEMPTS)
        .execute(Tuple.of(a.ids, a.startedAt, a.urls, a.codes, a.durations, a.errors).addValue(a.snippets))
        .mapEmpty();
  }

  /** Each endpoint's streak follows its attempts in order; endpoints in a stable order, so that batches never deadlock. */
  private static Future<Void> endpointsAfter(SqlClient conn, List<Finished> batch, Set<String> owned) {
    Map<String, List<Finished>> byEndpoint = new TreeMap<>();
    for (Finished f : batch) {
      if (owned.contains(f.claimed().id())) {
        byEndpoint.computeIfAbsent(f.claimed().endpointId(), id -> new ArrayList<>()).add(f);
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, List<Finished>> entry : byEndpoint.entrySet()) {
      String endpointId = entry.getKey();
      List<Finished> attempts = entry.getValue();
      String accountId = attempts.get(0).claimed().accountId();
      Finished last = attempts.get(attempts.size() - 1);
      boolean anySuccess = attempts.stream().anyMatch(f -> f.verdict().status().equals(WebhookDeliveryLog.SUCCESS));
      boolean gone = attempts.stream().anyMatch(f -> f.verdict().gone());
      chain = chain.compose(v -> {
        if (gone) {
          return WebhookEndpoints.disable(conn, accountId, endpointId, WebhookEndpoints.REASON_GONE);
        }
        Future<Void> cleared = anySuccess ? WebhookEndpoints.succeeded(conn, endpointId) : Future.succeededFuture();
        if (last.verdict().status().equals(WebhookDeliveryLog.SUCCESS)) {
          return cleared;
        }
        return cleared.compose(c -> WebhookEndpoints.failed(conn, endpointId)).compose(tooLong -> tooLong
            ? WebhookEndpoints.disable(conn, accountId, endpointId, WebhookEndpoints.REASON_FAILING)
            : Future.<Void>succeededFuture());
      });
    }
    return chain;
  }

  /** Gives leases back so that another worker may take the deliveries at once. */
  Future<Void> release(List<Claimed> claimed) {
    String[] ids = claimed.stream().map(Claimed::id).toArray(String[]::new);
    String[] tokens = claimed.stream().map(Claimed::leaseToken).toArray(String[]::new);
    return pool.preparedQuery(RELEASE).execute(Tuple.of(ids, (Object) tokens)).mapEmpty();
  }

  /** Gives up what is still pending for an endpoint (disabled or deleted): failed, with the reason, visible in the log. */
  static Future<Void> failPending(SqlClient conn, String accountId, String endpointId, String error) {
    return conn.preparedQuery(FAIL_PENDING).execute(Tuple.of(endpointId, error, accountId)).mapEmpty();
  }

}
