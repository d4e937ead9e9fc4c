package io.convene.tenant;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import io.convene.db.CommitsWith;
import io.convene.ids.Ids;
import io.convene.time.Rfc3339;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one home of the SQL for accounts, API keys and OAuth clients. Authentication reads credentials
 * through the process's {@link CredentialCache}; every change of one drops it from there when it commits.
 */
public final class Tenants {

  /** A new account with its first credentials, in clear text: shown once, never stored. */
  public record NewAccount(String id, String name, String apiKey, String clientId, String clientSecret) {
  }

  public record IssuedKey(String id, String apiKey) {
  }

  public record IssuedClient(String clientId, String clientSecret) {
  }

  // Any fixed number: it only has to be the same in every instance.
  private static final long BOOTSTRAP_LOCK = 0x636f6e76656e65L;

  private static final String KEY_ENTRY = "SELECT account_id, key_hash FROM api_keys WHERE id = $1 AND revoked_at IS NULL";
  private static final String CLIENT_ENTRY = "SELECT account_id, secret_hash FROM oauth_clients"
      + " WHERE id = $1 AND revoked_at IS NULL";

  private final Pool pool;
  private final CredentialCache credentials;

  public Tenants(Pool pool, CredentialCache credentials) {
    this.pool = pool;
    this.credentials = credentials;
  }

  public Future<NewAccount> createAccount(String name) {
    return pool.withTransaction(conn -> insertAccount(conn, name));
  }

  /**
   * Creates the first tenant when there is none. Instances starting together serialise on an
   * advisory lock, so exactly one of them creates it; the others get {@code null}.
   */
  public Future<NewAccount> bootstrapIfEmpty(String name) {
    return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock($1)")
        .execute(Tuple.of(BOOTSTRAP_LOCK))
        .compose(locked -> conn.query("SELECT EXISTS (SELECT 1 FROM accounts)").execute())
        .compose(rows -> rows.iterator().next().getBoolean(0)
            ? Future.<NewAccount>succeededFuture(null)
            : insertAccount(conn, name)));
  }

  private static Future<NewAccount> insertAccount(SqlClient conn, String name) {
    String accountId = Ids.random("acct_", 20);
    return conn.preparedQuery("INSERT INTO accounts (id, name) VALUES ($1, $2)")
        .execute(Tuple.of(accountId, name))
        .compose(r -> insertKey(conn, accountId))
        .compose(key -> insertClient(conn, accountId)
            .map(client -> new NewAccount(accountId, name, key.apiKey(), client.clientId(), client.clientSecret())));
  }

  public Future<JsonArray> listAccounts() {
    return pool.query("SELECT a.id, a.name, a.created_at,"
            + " COALESCE((SELECT json_agg(json_build_object('id', k.id, 'created_at', k.created_at) ORDER BY k.created_at)"
            + "  FROM api_keys k WHERE k.account_id = a.id AND k.revoked_at IS NULL), '[]') AS api_keys,"
            + " COALESCE((SELECT json_agg(json_build_object('client_id', c.id, 'created_at', c.created_at) ORDER BY c.created_at)"
            + "  FROM oauth_clients c WHERE c.account_id = a.id AND c.revoked_at IS NULL), '[]') AS oauth_clients"
            + " FROM accounts a ORDER BY a.created_at, a.id")
        .execute()
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row row : rows) {
            out.add(new JsonObject()
                .put("id", row.getString("id"))
                .put("name", row.getString("name"))
                .put("created_at", Rfc3339.formatUtc(row.getOffsetDateTime("created_at")))
                .put("api_keys", row.getJsonArray("api_keys"))
                .put("oauth_clients", row.getJsonArray("oauth_clients")));
          }
          return out;
        });
  }

  public Future<Boolean> accountExists(String accountId) {
    return pool.preparedQuery("SELECT 1 FROM accounts WHERE id = $1")
        .execute(Tuple.of(accountId))
        .map(rows -> rows.size() > 0);
  }

  /** {@code null} when the account does not exist. */
  public Future<IssuedKey> issueApiKey(String accountId) {
    return pool.withTransaction(conn -> lockAccount(conn, accountId)
            .compose(found -> found ? insertKey(conn, accountId) : Future.succeededFuture(null)))
        .onSuccess(key -> dropIfIssued(key == null ? null : key.id()));
  }

  /**
   * Replaces the key that made the call, or every live key when the call came with another kind
   * of credential ({@code oldKeyId} null): the old keys stop working when this commits, and
   * {@code record}, if any, commits with it.
   */
  public Future<IssuedKey> rotateApiKey(String accountId, String oldKeyId, CommitsWith<IssuedKey> record) {
    List<String> revoked = new ArrayList<>();
    return pool.withTransaction(conn -> conn
            .preparedQuery("UPDATE api_keys SET revoked_at = now()"
                + " WHERE account_id = $1 AND revoked_at IS NULL AND ($2::text IS NULL OR id = $2) RETURNING id")
            .execute(Tuple.of(accountId, oldKeyId))
            .compose(rows -> {
              rows.forEach(row -> revoked.add(row.getString("id")));
              return insertKey(conn, accountId);
            })
            .compose(key -> CommitsWith.written(record, conn, key)))
        .onSuccess(key -> {
          revoked.forEach(credentials::drop);
          credentials.drop(key.id());
        });
  }

  public static boolean isApiKeyId(String credentialId) {
    return credentialId.startsWith("key_");
  }

  /** {@code null} when the account does not exist. */
  public Future<IssuedClient> issueOAuthClient(String accountId) {
    return pool.withTransaction(conn -> lockAccount(conn, accountId)
            .compose(found -> found ? insertClient(conn, accountId) : Future.succeededFuture(null)))
        .onSuccess(client -> dropIfIssued(client == null ? null : client.clientId()));
  }

  /** Whether a live key of that account was revoked. */
  public Future<Boolean> revokeApiKey(String accountId, String keyId) {
    return pool.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL")
        .execute(Tuple.of(keyId, accountId))
        .map(rows -> rows.rowCount() > 0)
        .onSuccess(done -> credentials.drop(keyId));
  }

  /** Whether a live client of that account was revoked. */
  public Future<Boolean> revokeOAuthClient(String accountId, String clientId) {
    return pool.preparedQuery("UPDATE oauth_clients SET revoked_at = now() WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL")
        .execute(Tuple.of(clientId, accountId))
        .map(rows -> rows.rowCount() > 0)
        .onSuccess(done -> credentials.drop(clientId));
  }

  /** The tenant a live API key belongs to, or {@code null}. */
  public Future<Tenant> authenticateApiKey(String apiKey) {
    String keyId = Secrets.apiKeyId(apiKey);
    if (keyId == null) {
      return Future.succeededFuture(null);
    }
    return credentials.get(keyId, () -> entry(KEY_ENTRY, keyId, "key_hash"))
        .map(entry -> entry.isPresent() && Secrets.matches(apiKey, entry.get().secretHash())
            ? new Tenant(entry.get().accountId(), keyId)
            : null);
  }

  /** The tenant a live OAuth client belongs to when the secret is right, or {@code null}. */
  public Future<Tenant> authenticateClient(String clientId, String clientSecret) {
    if (!Secrets.isClientId(clientId)) {
      Secrets.matches(clientSecret, new byte[32]);
      return Future.succeededFuture(null);
    }
    return client(clientId).map(entry -> {
      if (entry.isEmpty()) {
        // Hash anyway, so an unknown client costs the same time as a wrong secret.
        Secrets.matches(clientSecret, new byte[32]);
        return null;
      }
      return Secrets.matches(clientSecret, entry.get().secretHash()) ? new Tenant(entry.get().accountId(), clientId) : null;
    });
  }

  /** The account of a live OAuth client, or {@code null} (unknown or revoked): tokens die with their client. */
  public Future<String> liveClientAccount(String clientId) {
    return client(clientId).map(entry -> entry.map(CredentialCache.Entry::accountId).orElse(null));
  }

  private Future<Optional<CredentialCache.Entry>> client(String clientId) {
    return credentials.get(clientId, () -> entry(CLIENT_ENTRY, clientId, "secret_hash"));
  }

  private Future<Optional<CredentialCache.Entry>> entry(String sql, String id, String hashColumn) {
    return pool.preparedQuery(sql).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new CredentialCache.Entry(row.getString("account_id"), row.getBuffer(hashColumn).getBytes()));
    });
  }

  /** A new id may have been tried before it existed: its "unknown" must not outlive the insert. */
  private void dropIfIssued(String id) {
    if (id != null) {
      credentials.drop(id);
    }
  }

  private static Future<Boolean> lockAccount(SqlClient conn, String accountId) {
    return conn.preparedQuery("SELECT 1 FROM accounts WHERE id = $1 FOR SHARE")
        .execute(Tuple.of(accountId))
        .map(rows -> rows.size() > 0);
  }

  private static Future<IssuedKey> insertKey(SqlClient conn, String accountId) {
    String key = Secrets.newApiKey();
    String keyId = Secrets.apiKeyId(key);
    return conn.preparedQuery("INSERT INTO api_keys (id, account_id, key_hash) VALUES ($1, $2, $3)")
        .execute(Tuple.of(keyId, accountId, io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(key))))
        .map(r -> new IssuedKey(keyId, key));
  }

  private static Future<IssuedClient> insertClient(SqlClient conn, String accountId) {
    String clientId = Secrets.newClientId();
    String secret = Secrets.newClientSecret();
    return conn.preparedQuery("INSERT INTO oauth_clients (id, account_id, secret_hash) VALUES ($1, $2, $3)")
        .execute(Tuple.of(clientId, accountId, io.vertx.core.buffer.Buffer.buffer(Secrets.sha256(secret))))
        .map(r -> new IssuedClient(clientId, secret));
  }
}
