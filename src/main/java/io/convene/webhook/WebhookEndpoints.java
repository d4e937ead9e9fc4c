package io.convene.webhook;

import io.convene.db.CommitsWith;
import io.convene.ids.Ids;
import io.convene.secrets.SecretBox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The one home of the SQL for {@code webhook_endpoints}. Signing secrets are generated here, sealed
 * before they are stored, and handed back in clear only in the answer that issued them.
 */
public final class WebhookEndpoints {
  /** An endpoint and, when this change issued one, its new signing secret (else {@code null}). */
  public record Issued(WebhookEndpoint endpoint, String secret) {
  }

  /** Settings of the primary endpoint (or a new one); {@code null} keeps the current value (or the default, on creation). */
  public record PrimaryChange(String url, Boolean enabled, List<String> eventTypes, Integer maxRetries,
                              Integer timeoutSeconds, boolean rotateSecret) {
    public static PrimaryChange url(String url) {
      return new PrimaryChange(url, null, null, null, null, false);
    }
  }

  static final String REASON_GONE = "gone";
  static final String REASON_FAILING = "failing";
  /** The old secret keeps signing this long after a rotation. */
  static final String ROTATION_OVERLAP = "24 hours";

  private static final String COLUMNS = "id, account_id, is_primary, url, event_types, enabled, disabled_reason,"
      + " max_retries, timeout_seconds";
  // Serialises changes of one tenant's primary endpoint (two-key advisory locks are their own space).
  private static final String LOCK_PRIMARY = "SELECT pg_advisory_xact_lock(5386, hashtext($1))";
  private static final String SELECT_PRIMARY = "SELECT " + COLUMNS + ", secret IS NOT NULL AS has_secret"
      + " FROM webhook_endpoints WHERE account_id = $1 AND is_primary";
  private static final String INSERT = "INSERT INTO webhook_endpoints (id, account_id, is_primary, url, event_types,"
      + " enabled, max_retries, timeout_seconds, secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING " + COLUMNS;
  private static final String UPDATE = "UPDATE webhook_endpoints SET url = $3, event_types = $4, enabled = $5,"
      + " max_retries = $6, timeout_seconds = $7,"
      + " disabled_reason = CASE WHEN $5 THEN NULL ELSE disabled_reason END,"
      + " failing_since = CASE WHEN $5 AND NOT enabled THEN NULL ELSE failing_since END,"
      + " previous_secret = CASE WHEN $8::text IS NULL THEN previous_secret ELSE secret END,"
      + " previous_secret_until = CASE WHEN $8::text IS NULL THEN previous_secret_until"
      + "   WHEN secret IS NULL THEN NULL ELSE now() + interval '" + ROTATION_OVERLAP + "' END,"
      + " secret = COALESCE($8, secret), updated_at = now()"
      + " WHERE id = $1 AND account_id = $2 RETURNING " + COLUMNS;
  private static final String DELETE = "DELETE FROM webhook_endpoints WHERE id = $1 AND account_id = $2 RETURNING " + COLUMNS;
  private static final String LIST = "SELECT " + COLUMNS + " FROM webhook_endpoints WHERE account_id = $1"
      + " ORDER BY created_at, id OFFSET $2 LIMIT $3";
  private static final String SUCCEEDED = "UPDATE webhook_endpoints SET failing_since = NULL"
      + " WHERE id = $1 AND failing_since IS NOT NULL";
  private static final String FAILED = "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, now())"
      + " WHERE id = $1 RETURNING failing_since <= now() - interval '5 days' AS failing_too_long";
  private static final String DISABLE = "UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2,"
      + " updated_at = now() WHERE id = $1 AND account_id = $3 AND enabled";

  private final Pool pool;
  private final SecretBox secrets;

  public WebhookEndpoints(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  /** The tenant's primary endpoint, or {@code null}. */
  public Future<WebhookEndpoint> primary(String accountId) {
    return primary(pool, accountId);
  }

  public Future<WebhookEndpoint> primary(SqlClient client, String accountId) {
    return client.preparedQuery(SELECT_PRIMARY).execute(Tuple.of(accountId)).map(WebhookEndpoints::firstOrNull);
  }

  /** @param record {@code null}, or what commits with the change */
  public Future<Issued> changePrimary(String accountId, PrimaryChange change, CommitsWith<Issued> record) {
    return pool.withTransaction(conn -> changePrimary(conn, accountId, change)
        .compose(issued -> CommitsWith.written(record, conn, issued)));
  }

  /**
   * Creates the primary endpoint (issuing its secret) or changes it; a rotation, or an endpoint that
   * has no secret yet, issues a new one. Disabling fails the deliveries still pending for it.
   *
   * @return {@code null} when there is no primary endpoint and the change names no URL to create one
   */
  public Future<Issued> changePrimary(SqlClient conn, String accountId, PrimaryChange change) {
    return conn.preparedQuery(LOCK_PRIMARY).execute(Tuple.of(accountId))
        .compose(locked -> conn.preparedQuery(SELECT_PRIMARY).execute(Tuple.of(accountId)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return change.url() == null ? Future.succeededFuture() : insert(conn, accountId, true, change);
          }
          Row row = rows.iterator().next();
          WebhookEndpoint current = fromRow(row);
          boolean issue = change.rotateSecret() || !row.getBoolean("has_secret");
          String secret = issue ? WebhookSigner.newSecret() : null;
          boolean enabled = change.enabled() != null ? change.enabled()
              : current.enabled() || !row.getBoolean("has_secret");
          Tuple params = Tuple.of(current.id(), accountId,
              change.url() != null ? change.url() : current.url(),
              (change.eventTypes() != null ? change.eventTypes() : current.eventTypes()).toArray(String[]::new),
              enabled,
              change.maxRetries() != null ? change.maxRetries() : current.maxRetries(),
              change.timeoutSeconds() != null ? change.timeoutSeconds() : current.timeoutSeconds(),
              secret == null ? null : secrets.seal(secret));
          return conn.preparedQuery(UPDATE).execute(params)
              .map(WebhookEndpoints::firstOrNull)
              .compose(changed -> (changed.enabled() ? Future.<Void>succeededFuture()
                  : WebhookDeliveryQueue.failPending(conn, accountId, changed.id(), "endpoint disabled"))
                  .map(new Issued(changed, secret)));
        });
  }

  /** Removes the primary endpoint, failing what was still pending for it; {@code null} when there was none. */
  public Future<WebhookEndpoint> deletePrimary(SqlClient conn, String accountId) {
    return conn.preparedQuery(LOCK_PRIMARY).execute(Tuple.of(accountId))
        .compose(locked -> conn.preparedQuery(SELECT_PRIMARY).execute(Tuple.of(accountId)))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture()
            : delete(conn, accountId, rows.iterator().next().getString("id")));
  }

  /** A further (not primary) endpoint, Accounts API style; {@code record}, if any, commits with it. */
  public Future<Issued> create(String accountId, String url, List<String> eventTypes, CommitsWith<Issued> record) {
    return pool.withTransaction(conn -> insert(conn, accountId, false,
            new PrimaryChange(url, true, eventTypes, null, null, false))
        .compose(issued -> CommitsWith.written(record, conn, issued)));
  }

  /** One page in creation order; asks for {@code limit} rows, so callers ask one more to learn if there is a next page. */
  public Future<List<WebhookEndpoint>> list(String accountId, int offset, int limit) {
    return pool.preparedQuery(LIST).execute(Tuple.of(accountId, offset, limit)).map(rows -> {
      List<WebhookEndpoint> out = new ArrayList<>(rows.size());
      rows.forEach(row -> out.add(fromRow(row)));
      return out;
    });
  }

  /** The deleted endpoint, or {@code null} when the tenant has none with that id; {@code record}, if any, commits with it. */
  public Future<WebhookEndpoint> delete(String accountId, String endpointId, CommitsWith<WebhookEndpoint> record) {
    return pool.withTransaction(conn -> delete(conn, accountId, endpointId)
        .compose(deleted -> CommitsWith.written(record, conn, deleted)));
  }

  private static Future<WebhookEndpoint> delete(SqlClient conn, String accountId, String endpointId) {
    // Scoped by tenant: another tenant's endpoint id matches nothing and changes nothing.
    return WebhookDeliveryQueue.failPending(conn, accountId, endpointId, "endpoint deleted")
        .compose(v -> conn.preparedQuery(DELETE).execute(Tuple.of(endpointId, accountId)))
        .map(WebhookEndpoints::firstOrNull);
  }

  /** A new endpoint with its first secret; what the settings leave out takes the defaults. */
  private Future<Issued> insert(SqlClient conn, String accountId, boolean primary, PrimaryChange settings) {
    String secret = WebhookSigner.newSecret();
    Tuple params = Tuple.of(Ids.random("whk_", 20), accountId, primary, settings.url(),
        (settings.eventTypes() != null ? settings.eventTypes() : WebhookEndpoint.DEFAULT_EVENT_TYPES).toArray(String[]::new),
        settings.enabled() == null || settings.enabled(),
        settings.maxRetries() != null ? settings.maxRetries() : WebhookEndpoint.DEFAULT_MAX_RETRIES)
        .addValue(settings.timeoutSeconds() != null ? settings.timeoutSeconds() : WebhookEndpoint.DEFAULT_TIMEOUT_SECONDS)
        .addValue(secrets.seal(secret));
    return conn.preparedQuery(INSERT).execute(params).map(rows -> new Issued(firstOrNull(rows), secret));
  }

  /** After a 2xx: the endpoint is healthy again. */
  static Future<Void> succeeded(SqlClient conn, String endpointId) {
    return conn.preparedQuery(SUCCEEDED).execute(Tuple.of(endpointId)).mapEmpty();
  }

  /** After a failed attempt: whether the endpoint has now failed for five days without a success. */
  static Future<Boolean> failed(SqlClient conn, String endpointId) {
    return conn.preparedQuery(FAILED).execute(Tuple.of(endpointId))
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean(0));
  }

  /** Turns the endpoint off and fails what is still pending for it. */
  static Future<Void> disable(SqlClient conn, String accountId, String endpointId, String reason) {
    return conn.preparedQuery(DISABLE).execute(Tuple.of(endpointId, reason, accountId))
        .compose(r -> WebhookDeliveryQueue.failPending(conn, accountId, endpointId, "endpoint disabled (" + reason + ")"));
  }

  private static WebhookEndpoint firstOrNull(RowSet<Row> rows) {
    return rows.size() == 0 ? null : fromRow(rows.iterator().next());
  }

  static WebhookEndpoint fromRow(Row row) {
    return new WebhookEndpoint(
        row.getString("id"),
        row.getString("account_id"),
        row.getBoolean("is_primary"),
        row.getString("url"),
        List.of(row.getArrayOfStrings("event_types")),
        row.getBoolean("enabled"),
        row.getString("disabled_reason"),
        row.getInteger("max_retries"),
        row.getInteger("timeout_seconds"));
  }
}
