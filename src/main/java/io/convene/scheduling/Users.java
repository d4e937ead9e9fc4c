package io.convene.scheduling;

import io.convene.db.CommitsWith;
import io.convene.errors.ApiException;
import io.convene.outbox.Outbox;
import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The one home of the SQL for {@code user_preferences}, and of who a tenant's users are
 * (contracts-scheduling.md §A1): a user is known by stored preferences or a live calendar connection.
 * Every statement is scoped by tenant.
 */
public final class Users {
  public static final String PREFERENCES_UPDATED = "user.preferences.updated";

  /** A live calendar connection of a user. */
  public record Connection(String id, String email, String googleId, OffsetDateTime connectedAt,
                           OffsetDateTime lastUsedAt, String timezone) {
  }

  /**
   * One user as a tenant knows them, or not: {@code stored} is {@code null} without stored preferences,
   * {@code connection} without a live connection.
   */
  public record User(String emailKey, String storedEmail, JsonObject stored, Connection connection) {
    public boolean known() {
      return stored != null || connection != null;
    }

    /** The spelling first stored, else the connection's. */
    public String email() {
      return storedEmail != null ? storedEmail : connection == null ? null : connection.email();
    }

    public JsonObject effective() {
      return Preferences.effectiveJson(stored, connection == null ? null : connection.timezone());
    }

    public Preferences preferences() {
      return Preferences.fromJson(effective());
    }
  }

  /** What a save stored. */
  public record Saved(String email, JsonObject preferences) {
  }

  /** A page of known users in email-key order; {@code total} counts all of them. */
  public record Page(List<User> users, long total, boolean hasMore) {
  }

  private static final String USER_COLUMNS = "p.email AS p_email, p.prefs, c.id AS c_id, c.user_email, c.google_id,"
      + " c.connected_at, c.last_used_at, c.timezone";
  private static final String JOIN = " LEFT JOIN user_preferences p ON p.account_id = $1 AND p.email_key = k.email_key"
      + " LEFT JOIN calendar_connections c ON c.account_id = $1 AND c.email_key = k.email_key AND c.revoked_at IS NULL";
  private static final String FIND = "SELECT k.email_key, " + USER_COLUMNS
      + " FROM unnest($2::text[]) WITH ORDINALITY AS k (email_key, n)" + JOIN + " ORDER BY k.n";
  private static final String KNOWN = "WITH keys AS (SELECT email_key FROM user_preferences WHERE account_id = $1"
      + " UNION SELECT email_key FROM calendar_connections WHERE account_id = $1 AND revoked_at IS NULL)";
  private static final String LIST = KNOWN + " SELECT t.total, page.* FROM (SELECT count(*) AS total FROM keys) t"
      + " LEFT JOIN LATERAL (SELECT k.email_key, " + USER_COLUMNS + " FROM keys k" + JOIN
      + "   WHERE k.email_key > $2 ORDER BY k.email_key LIMIT $3) page ON true";
  private static final String CLAIM = "INSERT INTO user_preferences (account_id, email_key, email, prefs, created_at,"
      + " updated_at) SELECT $1, $2, coalesce((SELECT user_email FROM calendar_connections WHERE account_id = $1"
      + " AND email_key = $2 AND revoked_at IS NULL), $3), '{}'::jsonb, $4, $4 ON CONFLICT DO NOTHING";
  private static final String LOCK = "SELECT p.email AS p_email, p.prefs, c.timezone FROM user_preferences p"
      + " LEFT JOIN calendar_connections c ON c.account_id = p.account_id AND c.email_key = p.email_key"
      + " AND c.revoked_at IS NULL WHERE p.account_id = $1 AND p.email_key = $2 FOR UPDATE OF p";
  private static final String SAVE = "UPDATE user_preferences SET prefs = $3, updated_at = $4"
      + " WHERE account_id = $1 AND email_key = $2";

  private final Pool pool;

  public Users(Pool pool) {
    this.pool = pool;
  }

  /** 404 {@code user_not_found}; {@code field} names the request field, or is {@code null}. */
  public static ApiException unknown(String email, String field) {
    return new ApiException(404, "user_not_found", "user " + email + " is not known: store preferences for them"
        + " or have them connect their calendar (GET /v1/platform/oauth-url)", field);
  }

  public static String key(String email) {
    return email.toLowerCase(Locale.ROOT);
  }

  /** The users of these emails, in their order, known or not. */
  public Future<List<User>> find(String accountId, List<String> emails) {
    String[] keys = emails.stream().map(Users::key).toArray(String[]::new);
    return pool.preparedQuery(FIND).execute(Tuple.tuple().addValue(accountId).addValue(keys)).map(rows -> {
      List<User> out = new ArrayList<>(keys.length);
      rows.forEach(row -> out.add(user(row)));
      return out;
    });
  }

  /** Known users after the email key {@code after} ({@code ""} for the first page). */
  public Future<Page> list(String accountId, String after, int limit) {
    return pool.preparedQuery(LIST).execute(Tuple.of(accountId, after, limit + 1)).map(rows -> {
      List<User> out = new ArrayList<>();
      long total = 0;
      for (Row row : rows) {
        total = row.getLong("total");
        if (row.getString("email_key") != null) {
          out.add(user(row));
        }
      }
      boolean more = out.size() > limit;
      return new Page(more ? out.subList(0, limit) : out, total, more);
    });
  }

  /**
   * Stores the user's preferences as {@code change} makes them from what is stored (under the row's
   * lock, so concurrent partial updates all land), and writes {@code user.preferences.updated} in the
   * same transaction. A user not known before becomes known.
   *
   * @param record {@code null}, or what commits with the change
   * @return the email as first stored, and the effective preferences now
   */
  public Future<Saved> save(String accountId, String email, UnaryOperator<JsonObject> change,
                            CommitsWith<Saved> record) {
    String key = key(email);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(accountId, key, email, at))
        .compose(r -> conn.preparedQuery(LOCK).execute(Tuple.of(accountId, key)))
        .compose(rows -> {
          Row row = rows.iterator().next();
          String zone = row.getString("timezone");
          JsonObject next = change.apply(row.getJsonObject("prefs"));
          String stored = row.getString("p_email");
          JsonObject effective = Preferences.effectiveJson(next, zone);
          JsonObject data = new JsonObject()
              .put("user_email", stored)
              .put("preferences", effective)
              .put("updated_at", Rfc3339.formatUtc(now))
              .put("updated_by", accountId);
          return conn.preparedQuery(SAVE).execute(Tuple.of(accountId, key, next, at))
              .compose(v -> Outbox.append(conn, accountId, null, PREFERENCES_UPDATED, data, now))
              .map(v -> new Saved(stored, effective));
        })
        .compose(saved -> CommitsWith.written(record, conn, saved)));
  }

  private static User user(Row row) {
    String connectionId = row.getString("c_id");
    Connection connection = connectionId == null ? null : new Connection(connectionId, row.getString("user_email"),
        row.getString("google_id"), row.getOffsetDateTime("connected_at"), row.getOffsetDateTime("last_used_at"),
        row.getString("timezone"));
    return new User(row.getString("email_key"), row.getString("p_email"), row.getJsonObject("prefs"), connection);
  }
}
