package io.convene.calendar;

import io.convene.calendar.CalendarConnections.Credentials;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Access tokens per connection, cached until shortly before they expire (a cache that may be lost:
 * each instance refreshes its own). Confined to the sync verticle's event loop, so plain maps do.
 */
final class GoogleAccessTokens {
  /** Refresh this long before Google's expiry, so that no call carries a token about to lapse. */
  static final long EARLY_MILLIS = 60_000;

  private record Cached(String refreshToken, String accessToken, long expiresAtMillis) {
  }

  private final GoogleCalendarClient google;
  private final Map<String, Cached> cache = new HashMap<>();
  private final Map<String, Future<String>> refreshing = new HashMap<>();

  GoogleAccessTokens(GoogleCalendarClient google) {
    this.google = google;
  }

  /**
   * Runs {@code call} with an access token; on 401 (expired or revoked token) refreshes the token
   * once and runs it again.
   */
  <T> Future<T> call(Credentials connection, Function<String, Future<T>> call) {
    return token(connection).compose(call).recover(error -> {
      if (error instanceof GoogleApiException google && google.unauthorized()) {
        cache.remove(connection.id());
        return token(connection).compose(call);
      }
      return Future.failedFuture(error);
    });
  }

  private Future<String> token(Credentials connection) {
    Cached cached = cache.get(connection.id());
    if (cached != null && cached.refreshToken().equals(connection.refreshToken())
        && System.currentTimeMillis() < cached.expiresAtMillis() - EARLY_MILLIS) {
      return Future.succeededFuture(cached.accessToken());
    }
    // Jobs of one connection running together share one refresh.
    Future<String> inFlight = refreshing.get(connection.id());
    if (inFlight != null) {
      return inFlight;
    }
    long requestedAt = System.currentTimeMillis();
    Future<String> refresh = google.refresh(connection.refreshToken())
        .recover(error -> Future.failedFuture(error instanceof GoogleApiException g && !g.transientFailure()
            ? new GrantRefused(connection, g) : error))
        .map(grant -> {
          cache.put(connection.id(), new Cached(connection.refreshToken(), grant.accessToken(),
              requestedAt + grant.expiresInSeconds() * 1000));
          return grant.accessToken();
        })
        .onComplete(done -> refreshing.remove(connection.id()));
    refreshing.put(connection.id(), refresh);
    return refresh;
  }

  /** Google refused the stored grant (revoked, expired, or the client is wrong): only reconnecting helps. */
  static final class GrantRefused extends RuntimeException {
    GrantRefused(Credentials connection, GoogleApiException cause) {
      super("Google refused the calendar grant of " + connection.email() + " (" + cause.status()
          + (cause.reason() == null ? "" : " " + cause.reason()) + ": " + cause.getMessage()
          + "); connect the calendar again", null, false, false);
    }
  }
}
