package io.convene.http;

import io.convene.errors.ApiException;
import io.convene.db.CommitsWith;
import io.convene.meeting.ChangeRecord;
import io.convene.meeting.Meeting;
import io.convene.secrets.SecretBox;
import io.convene.tenant.Secrets;
import io.convene.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.function.Function;

/**
 * {@code Idempotency-Key} on every state-changing request of the tenant APIs, and the one home of
 * the SQL for {@code idempotency_keys}. The first request claims the key; its response is stored
 * before it is sent; a repeat with the same request gets that response again
 * ({@code Idempotent-Replayed: true}), one with another request 422, one while the first still
 * runs 409. A claim whose request never finished (the process died) lapses after a minute.
 *
 * <p>Every change stores its answer in its own transaction ({@link #recordWithChange} for meetings,
 * {@link #recordWith} for the rest), so that a crash can never leave the change committed and its key
 * unanswered, to be run again on retry. Answers that change nothing (refusals, reads) are stored just
 * before they are sent.
 *
 * <p>Stored responses are sealed with the {@link SecretBox}: some carry a secret shown once (a webhook
 * endpoint's signing secret, a regenerated API key) and the replay must show it again, so it is kept,
 * but never in clear. Rows stored unsealed by an older version are replayed as they are.
 */
public final class Idempotency implements Handler<RoutingContext> {
  public static final String HEADER = "Idempotency-Key";
  private static final String CLAIM_KEY = "convene.idempotencyClaim";
  /** Set by a route without a tenant credential (the public surface): what its keys are stored under. */
  public static final String SCOPE_KEY = "convene.idempotencyScope";
  private static final int MAX_KEY_LENGTH = 255;

  private static final String CLAIM = "INSERT INTO idempotency_keys AS k (account_id, key, request_hash, created_at)"
      + " VALUES ($1, $2, $3, now())"
      + " ON CONFLICT (account_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status_code = NULL,"
      + "  response_body = NULL, response_etag = NULL, created_at = now()"
      + " WHERE k.created_at < now() - interval '24 hours'"
      + "  OR (k.status_code IS NULL AND k.created_at < now() - interval '60 seconds'"
      + "      AND k.request_hash = EXCLUDED.request_hash)"
      + " RETURNING 1";
  private static final String READ = "SELECT request_hash, status_code, response_body, response_etag"
      + " FROM idempotency_keys WHERE account_id = $1 AND key = $2";
  private static final String RECORD = "UPDATE idempotency_keys SET status_code = $3, response_body = $4,"
      + " response_etag = $5 WHERE account_id = $1 AND key = $2";
  private static final String RELEASE = "DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2"
      + " AND status_code IS NULL";
  private static final String EXPIRE = "DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'";

  private static final byte[] SEALED = "v1:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Pool pool;
  private final SecretBox secrets;

  public Idempotency(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  /** For {@link #expireOld} alone, which reads no response. */
  public Idempotency(Pool pool) {
    this(pool, null);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String key = ctx.request().getHeader(HEADER);
    if (key == null) {
      ctx.next();
      return;
    }
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      ctx.fail(new ApiException(400, "invalid_idempotency_key",
          "Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters", HEADER));
      return;
    }
    String accountId = Tenant.of(ctx).accountId();
    String scope = ctx.get(SCOPE_KEY);
    String stored = scope == null ? key : scope + key;
    byte[] requestHash = requestHash(ctx);
    pool.preparedQuery(CLAIM).execute(Tuple.of(accountId, stored, Buffer.buffer(requestHash)))
        .onFailure(ctx::fail)
        .onSuccess(claimed -> {
          if (claimed.size() > 0) {
            Claim claim = new Claim(this, accountId, stored);
            ctx.put(CLAIM_KEY, claim);
            ctx.put(Responses.RECORDER, (Responses.Recorder) (status, body, etag) -> claim.recordedWithChange && status < 300
                ? Future.succeededFuture()
                : record(accountId, stored, status, body, etag));
            ctx.next();
          } else {
            answerFromExisting(ctx, accountId, stored, requestHash);
          }
        });
  }

  /** This request's claim on its key; {@code recordedWithChange} once a change took over storing the answer. */
  private static final class Claim {
    final Idempotency owner;
    final String accountId;
    final String key;
    boolean recordedWithChange;

    Claim(Idempotency owner, String accountId, String key) {
      this.owner = owner;
      this.accountId = accountId;
      this.key = key;
    }
  }

  /**
   * What a meeting change writes in its transaction so that its answer commits with it: the answer
   * {@code status} with {@code body} (the same function the route answers with) and the meeting's ETag.
   * {@code null} when the request carries no key.
   */
  public static ChangeRecord recordWithChange(RoutingContext ctx, int status, Function<Meeting, JsonObject> body) {
    CommitsWith<Meeting> record = commitsWith(ctx, status, body, Meeting::etag);
    return record == null ? null : record::write;
  }

  /**
   * The same for any other change (settings, webhook endpoints, deliveries, keys, connections,
   * preferences), whose answer carries no ETag: the SQL that makes the change writes it in its
   * transaction ({@link CommitsWith#written}). {@code null} when the request carries no key.
   */
  public static <T> CommitsWith<T> recordWith(RoutingContext ctx, int status, Function<T, JsonObject> body) {
    return commitsWith(ctx, status, body, changed -> null);
  }

  private static <T> CommitsWith<T> commitsWith(RoutingContext ctx, int status, Function<T, JsonObject> body,
                                                Function<T, String> etag) {
    Claim claim = ctx.get(CLAIM_KEY);
    if (claim == null) {
      return null;
    }
    // Success means the change committed, and its answer with it: not stored a second time.
    claim.recordedWithChange = true;
    return (tx, changed) -> claim.owner.store(tx, claim.accountId, claim.key, status, body.apply(changed).toBuffer(),
        etag.apply(changed));
  }

  private void answerFromExisting(RoutingContext ctx, String accountId, String key, byte[] requestHash) {
    pool.preparedQuery(READ).execute(Tuple.of(accountId, key)).onFailure(ctx::fail).onSuccess(rows -> {
      if (rows.size() == 0) {
        ctx.fail(ApiException.conflict("idempotency_key_in_use", "a request with this Idempotency-Key is in progress; retry"));
        return;
      }
      Row row = rows.iterator().next();
      if (!java.util.Arrays.equals(requestHash, row.getBuffer("request_hash").getBytes())) {
        ctx.fail(new ApiException(422, "idempotency_key_reused",
            "this Idempotency-Key was used with a different request", HEADER));
      } else if (row.getInteger("status_code") == null) {
        ctx.fail(ApiException.conflict("idempotency_key_in_use", "a request with this Idempotency-Key is in progress; retry"));
      } else {
        replay(ctx, row);
      }
    });
  }

  private void replay(RoutingContext ctx, Row row) {
    String etag = row.getString("response_etag");
    if (etag != null) {
      ctx.response().putHeader(HttpHeaders.ETAG, etag);
    }
    ctx.response()
        .setStatusCode(row.getInteger("status_code"))
        .putHeader("Idempotent-Replayed", "true")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(open(row.getBuffer("response_body")));
  }

  private Buffer open(Buffer stored) {
    boolean sealed = stored.length() >= SEALED.length
        && java.util.Arrays.equals(stored.getBytes(0, SEALED.length), SEALED);
    return sealed ? Buffer.buffer(secrets.open(stored.toString(java.nio.charset.StandardCharsets.UTF_8))) : stored;
  }

  /** Keeps a client's answer for replay; a server fault releases the claim so that a retry runs again. */
  private Future<Void> record(String accountId, String key, int status, Buffer body, String etag) {
    if (status >= 500) {
      return pool.preparedQuery(RELEASE).execute(Tuple.of(accountId, key)).mapEmpty();
    }
    return store(pool, accountId, key, status, body, etag);
  }

  private Future<Void> store(SqlClient client, String accountId, String key, int status, Buffer body, String etag) {
    return client.preparedQuery(RECORD).execute(Tuple.of(accountId, key, status, sealed(body), etag)).mapEmpty();
  }

  private Buffer sealed(Buffer body) {
    return Buffer.buffer(secrets.seal(body.toString(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /** Drops keys past their 24 hours (the claim query also ignores them, so this only frees space). */
  public Future<Void> expireOld() {
    return pool.query(EXPIRE).execute().mapEmpty();
  }

  /** What makes two requests "the same": method, path and the body's exact bytes. */
  public static byte[] requestHash(String method, String path, Buffer body) {
    Buffer signed = Buffer.buffer(method + " " + path + "\n");
    if (body != null) {
      signed.appendBuffer(body);
    }
    return Secrets.sha256(signed.getBytes());
  }

  private static byte[] requestHash(RoutingContext ctx) {
    return requestHash(ctx.request().method().name(), ctx.request().path(), ctx.body().buffer());
  }
}
