package io.convene.http;

import io.convene.config.ConveneConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;

/**
 * {@code rate_limit_scope = cluster}: one node's token buckets of one kind, reconciled every second
 * with the shared bucket of each key in PostgreSQL ({@code rate_limit_buckets}). A request decides on
 * the node's own bucket, as with {@code node} scope, and writes nothing; each reconciliation is one
 * statement per kind that reports what this node admitted per key since the last one (the shared
 * bucket refills at the limit's rate and is debited with it) and brings back the shared level of
 * those keys and of every key another node reported meanwhile.
 *
 * <p>Tolerance: between two reconciliations each node spends from its own copy of the shared level, so
 * N nodes can admit up to (N − 1) × (the tokens left + one second of refill) more than the limit in
 * that second: for a key at its limit, (N − 1) × limit/60 a second; for an idle key hit on every node
 * within the same second, up to (N − 1) × the burst once. Whatever was admitted beyond the bucket is
 * owed (the shared level goes below zero) and repaid before the key gets more, so over a minute and
 * longer the limit holds up to that one second's excess. A reconciliation that fails (database away)
 * keeps its counts for the next one; meanwhile each node limits alone, as in {@code node} scope.
 */
public final class ClusterBuckets {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBuckets.class);
  public static final long RECONCILE_MILLIS = 1000;
  /** Rows older than this and full again are deleted (every minute); a refill takes at most a minute. */
  private static final int CLEAN_EVERY = 60;
  /** Rows another node reported are looked for back to the last reconciliation, less this margin for late commits. */
  private static final long MARGIN_MILLIS = 2000;

  private static final String RECONCILE = """
      WITH used AS (SELECT * FROM unnest($2::text[], $3::float8[]) AS u(key, used)),
      reported AS (
        INSERT INTO rate_limit_buckets AS b (kind, key, tokens, updated_at)
        SELECT $1, key, $4::float8 - used, now() FROM used
        ON CONFLICT (kind, key) DO UPDATE
          SET tokens = least($4::float8, b.tokens + extract(epoch FROM now() - b.updated_at)::float8 * $5::float8)
                       - ($4::float8 - excluded.tokens),
              updated_at = now()
        RETURNING key, tokens)
      SELECT key, tokens, now() AS at FROM reported
      UNION ALL
      SELECT key, least($4::float8, tokens + extract(epoch FROM now() - updated_at)::float8 * $5::float8), now()
        FROM rate_limit_buckets
       WHERE kind = $1 AND updated_at > greatest($6::timestamptz, now() - interval '10 minutes')
         AND key <> ALL ($2::text[])""";
  private static final String CLEAN = """
      DELETE FROM rate_limit_buckets
       WHERE kind = $1 AND updated_at < now() - interval '1 minute'
         AND tokens + extract(epoch FROM now() - updated_at)::float8 * $2::float8 >= $3::float8""";

  private final Pool pool;
  private final String kind;
  private final TokenBuckets buckets;
  private OffsetDateTime seenUpTo = OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);
  private int rounds;
  private boolean failing;

  public ClusterBuckets(Pool pool, String kind, TokenBuckets buckets) {
    this.pool = pool;
    this.kind = kind;
    this.buckets = buckets;
  }

  /** With {@code rate_limit_scope = cluster}, reconciles each limit that is on every {@link #RECONCILE_MILLIS}. */
  public static void reconcileIfClusterScope(Vertx vertx, ConveneConfig config, Pool pool, RateLimiter rateLimiter,
                                             FailedAuthLimiter failedAuth) {
    if (!config.clusterRateLimits()) {
      return;
    }
    List<ClusterBuckets> limits = new java.util.ArrayList<>();
    if (rateLimiter != null) {
      limits.add(new ClusterBuckets(pool, "rate", rateLimiter.buckets()));
    }
    if (failedAuth != null) {
      limits.add(new ClusterBuckets(pool, "auth", failedAuth.buckets()));
    }
    boolean[] running = {false};
    vertx.setPeriodic(RECONCILE_MILLIS, tick -> {
      if (running[0]) {
        return;
      }
      running[0] = true;
      Future.join(limits.stream().map(ClusterBuckets::reconcile).toList()).onComplete(done -> running[0] = false);
    });
  }

  /** Reports this node's consumption and adopts the shared levels; one statement (two once a minute). */
  public Future<Void> reconcile() {
    List<TokenBuckets.Consumed> consumed = buckets.takeConsumed();
    consumed.sort(Comparator.comparing(TokenBuckets.Consumed::key));
    String[] keys = consumed.stream().map(TokenBuckets.Consumed::key).toArray(String[]::new);
    Double[] used = consumed.stream().map(TokenBuckets.Consumed::tokens).toArray(Double[]::new);
    double capacity = buckets.perMinute();
    Future<Void> round = pool.preparedQuery(RECONCILE)
        .execute(Tuple.of(kind, keys, used, capacity, buckets.tokensPerSecond(), seenUpTo))
        .map(rows -> {
          for (Row row : rows) {
            buckets.adopt(row.getString("key"), row.getDouble("tokens"));
            seenUpTo = row.getOffsetDateTime("at").minusNanos(MARGIN_MILLIS * 1_000_000);
          }
          if (failing) {
            LOG.info("{} limit: reconciling with the cluster again", kind);
            failing = false;
          }
          return null;
        });
    round = round.recover(e -> {
      buckets.restoreConsumed(consumed);
      if (!failing) {
        LOG.warn("{} limit: cannot reconcile with the cluster ({}); each node limits alone until it can", kind,
            e.getMessage());
        failing = true;
      }
      return Future.succeededFuture();
    });
    if (++rounds % CLEAN_EVERY == 0) {
      round = round.compose(v -> pool.preparedQuery(CLEAN).execute(Tuple.of(kind, buckets.tokensPerSecond(), capacity))
          .<Void>mapEmpty().recover(e -> Future.succeededFuture()));
    }
    return round;
  }
}
