package io.convene.calendar;

import io.convene.db.CommitsWith;
import io.convene.ids.Ids;
import io.convene.meeting.ConnectionRef;
import io.convene.outbox.Outbox;
import io.convene.secrets.SecretBox;
import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The one home of the SQL for {@code calendar_connections}: a tenant's users' Google Calendars.
 * Refresh tokens are sealed with the secrets key before they reach the database. Every query is
 * scoped by tenant. Connecting and disconnecting write their webhook event in the same transaction.
 */
public final class CalendarConnections {
  public static final String CONNECTED = "user.calendar.connected";
  public static final String DISCONNECTED = "user.calendar.disconnected";
  public static final String PROVIDER = "google";

  /** A connection as the worker uses it. {@code refreshToken} is in clear, {@code null} once disconnected. */
  public record Credentials(String id, String accountId, String email, String googleId, String refreshToken) {
    public boolean live() {
      return refreshToken != null;
    }
  }

  /** What a disconnect took away: the grant to revoke at Google. */
  public record Disconnected(String email, String refreshToken) {
  }

  private static final String LIST_COLUMNS = "user_email, google_id, timezone, connected_at, last_used_at";
  private static final String CONNECT = "INSERT INTO calendar_connections (id, account_id, user_id, user_email,"
      + " email_key, google_id, timezone, refresh_token, connected_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
      + " ON CONFLICT (account_id, email_key) DO UPDATE SET user_email = EXCLUDED.user_email,"
      + "  google_id = EXCLUDED.google_id, timezone = EXCLUDED.timezone, refresh_token = EXCLUDED.refresh_token,"
      + "  connected_at = EXCLUDED.connected_at, revoked_at = NULL"
      + " RETURNING id, " + LIST_COLUMNS;
  private static final String DISCONNECT = "UPDATE calendar_connections c SET revoked_at = now(), refresh_token = NULL"
      + " FROM (SELECT id, refresh_token FROM calendar_connections"
      + "       WHERE account_id = $1 AND email_key = $2 AND revoked_at IS NULL FOR UPDATE) old"
      + " WHERE c.id = old.id RETURNING c.user_email, c.google_id, old.refresh_token, c.revoked_at";

  private final Pool pool;
  private final SecretBox secrets;

  public CalendarConnections(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  /**
   * The tenant's connection {@code connectionId}, or {@code null} (unknown, or another tenant's).
   * The Accounts API validates {@code calendar.connection.id} with it. A disconnected connection
   * still belongs to the tenant: its meetings keep naming it (a full-replace PUT sends the id back),
   * they show {@code not_connected}, and a reconnect of the same user revives it.
   */
  public Future<ConnectionRef> findForAccount(String accountId, String connectionId) {
    return pool.preparedQuery("SELECT " + ConnectionRef.JSON + " AS ref FROM calendar_connections c"
            + " WHERE c.id = $1 AND c.account_id = $2")
        .execute(Tuple.of(connectionId, accountId))
        .map(rows -> rows.size() == 0 ? null : ConnectionRef.fromJson(rows.iterator().next().getJsonObject("ref")));
  }

  /** The Platform API's list items, live connections only, oldest first. */
  public Future<JsonArray> list(String accountId) {
    return pool.preparedQuery("SELECT " + LIST_COLUMNS + " FROM calendar_connections"
            + " WHERE account_id = $1 AND revoked_at IS NULL ORDER BY connected_at, id")
        .execute(Tuple.of(accountId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(platformJson(row)));
          return out;
        });
  }

  /**
   * Stores (or renews) the user's connection with its refresh token sealed, and emits
   * {@code user.calendar.connected}, in one transaction. A reconnect keeps the connection's id.
   *
   * @return the Platform API's connection item, plus its {@code id}
   */
  public Future<JsonObject> connect(String accountId, String email, String googleId, String timezone,
                                    String refreshToken) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Tuple params = Tuple.tuple().addValue(Ids.random("cal_", 20)).addValue(accountId).addValue(Ids.random("usr_", 20))
        .addValue(email).addValue(email.toLowerCase(Locale.ROOT)).addValue(googleId).addValue(timezone)
        .addValue(secrets.seal(refreshToken)).addValue(now.atOffset(java.time.ZoneOffset.UTC));
    return pool.withTransaction(conn -> conn.preparedQuery(CONNECT).execute(params).compose(rows -> {
      Row row = rows.iterator().next();
      JsonObject connection = platformJson(row);
      JsonObject data = connection.copy();
      data.remove("last_used_at");
      return Outbox.append(conn, accountId, null, CONNECTED, data, now)
          .map(v -> connection.put("id", row.getString("id")));
    }));
  }

  /**
   * Revokes the user's connection here (the token is dropped; meetings keep pointing at it) and
   * emits {@code user.calendar.disconnected}. {@code null} when the tenant has no live connection
   * for that email. {@code record}, if any, commits with it.
   */
  public Future<Disconnected> disconnect(String accountId, String email, CommitsWith<Disconnected> record) {
    return pool.withTransaction(conn -> conn.preparedQuery(DISCONNECT)
        .execute(Tuple.of(accountId, email.toLowerCase(Locale.ROOT)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          Row row = rows.iterator().next();
          OffsetDateTime at = row.getOffsetDateTime("revoked_at");
          JsonObject data = new JsonObject()
              .put("user_email", row.getString("user_email"))
              .put("google_id", row.getString("google_id"))
              .put("calendar_provider", PROVIDER)
              .put("disconnected_at", Rfc3339.formatUtc(at));
          return Outbox.append(conn, accountId, null, DISCONNECTED, data, at.toInstant())
              .map(v -> new Disconnected(row.getString("user_email"), secrets.open(row.getString("refresh_token"))));
        })
        .compose(gone -> CommitsWith.written(record, conn, gone)));
  }

  /** The connection with its token opened; {@code null} when it is not the tenant's. */
  Future<Credentials> credentials(String accountId, String connectionId) {
    return pool.preparedQuery("SELECT id, user_email, google_id, refresh_token FROM calendar_connections"
            + " WHERE id = $1 AND account_id = $2")
        .execute(Tuple.of(connectionId, accountId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          String sealed = row.getString("refresh_token");
          return new Credentials(row.getString("id"), accountId, row.getString("user_email"), row.getString("google_id"),
              sealed == null ? null : secrets.open(sealed));
        });
  }

  /** Records that the worker used the connection, in the worker's transaction. */
  static Future<Void> markUsed(SqlClient conn, String connectionId) {
    return conn.preparedQuery("UPDATE calendar_connections SET last_used_at = now() WHERE id = $1")
        .execute(Tuple.of(connectionId)).mapEmpty();
  }

  private static JsonObject platformJson(Row row) {
    OffsetDateTime lastUsed = row.getOffsetDateTime("last_used_at");
    return new JsonObject()
        .put("user_email", row.getString("user_email"))
        .put("google_id", row.getString("google_id"))
        .put("calendar_provider", PROVIDER)
        .put("connected_at", Rfc3339.formatUtc(row.getOffsetDateTime("connected_at")))
        .put("last_used_at", lastUsed == null ? null : Rfc3339.formatUtc(lastUsed))
        .put("timezone", row.getString("timezone"));
  }
}
