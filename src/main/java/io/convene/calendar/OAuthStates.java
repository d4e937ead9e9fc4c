package io.convene.calendar;

import io.convene.ids.Ids;
import io.convene.tenant.Secrets;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;

/**
 * The one home of the SQL for {@code calendar_oauth_states}: the {@code state} Convene sends through
 * Google's consent page. It is random (256 bits), kept only as a hash, bound to the tenant, the user
 * and the platform's redirect URI, used at most once, and expires.
 */
public final class OAuthStates {
  public static final Duration LIFETIME = Duration.ofMinutes(10);

  /** A consent in progress, as the callback finds it. */
  public record Pending(String accountId, String userEmail, String redirectUri, String clientState) {
  }

  private final Pool pool;

  public OAuthStates(Pool pool) {
    this.pool = pool;
  }

  /** A new state for Google; expired ones are cleared on the way. */
  public Future<String> create(String accountId, String userEmail, String redirectUri, String clientState) {
    String state = Ids.random("", 43);
    return pool.query("DELETE FROM calendar_oauth_states WHERE expires_at < now()").execute()
        .compose(cleared -> pool.preparedQuery("INSERT INTO calendar_oauth_states"
                + " (state_hash, account_id, user_email, redirect_uri, client_state, expires_at)"
                + " VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))")
            .execute(Tuple.of(Buffer.buffer(Secrets.sha256(state)), accountId, userEmail, redirectUri, clientState,
                (double) LIFETIME.toSeconds())))
        .map(inserted -> state);
  }

  /** Takes the state out (so it cannot be used again); {@code null} when unknown, used or expired. */
  public Future<Pending> consume(String state) {
    return pool.preparedQuery("DELETE FROM calendar_oauth_states WHERE state_hash = $1"
            + " RETURNING account_id, user_email, redirect_uri, client_state, expires_at > now() AS live")
        .execute(Tuple.of(Buffer.buffer(Secrets.sha256(state))))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return row.getBoolean("live")
              ? new Pending(row.getString("account_id"), row.getString("user_email"), row.getString("redirect_uri"),
                  row.getString("client_state"))
              : null;
        });
  }
}
