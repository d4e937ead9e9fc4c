package io.convene.calendar;

import io.convene.calendar.CalendarConnections.Credentials;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A connected user's busy periods from Google's {@code freeBusy.query} (contracts-scheduling.md §A4),
 * with the connection's access token (refreshed once on a 401). Ranges over 30 days are asked in parts;
 * a rate limit, a 5xx or a timeout is asked again once after 500 ms. One instance per event loop: its
 * token cache is confined to it.
 */
public final class FreeBusy {
  static final Duration MAX_RANGE = Duration.ofDays(30);
  static final long RETRY_AFTER_MS = 500;

  /** {@code [start, end)}. */
  public record Period(Instant start, Instant end) {
  }

  /** Google could not answer (after the retry), or answered with errors for the calendar. */
  public static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** The grant cannot read free/busy (made before the scope was asked for, or revoked): connect again. */
  public static final class ReconnectRequired extends RuntimeException {
    ReconnectRequired(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final CalendarConnections connections;
  private final GoogleCalendarClient google;
  private final GoogleAccessTokens tokens;

  public FreeBusy(Vertx vertx, CalendarConnections connections, GoogleCalendarClient google) {
    this.vertx = vertx;
    this.connections = connections;
    this.google = google;
    this.tokens = new GoogleAccessTokens(google);
  }

  /** The tenant's connection's busy periods over {@code [from, to)}, in parts of at most 30 days, asked together. */
  public Future<List<Period>> busy(String accountId, String connectionId, Instant from, Instant to) {
    return connections.credentials(accountId, connectionId).compose(connection -> {
      if (connection == null || !connection.live()) {
        return Future.failedFuture(new ReconnectRequired("the calendar connection is gone"));
      }
      List<Future<List<Period>>> parts = new ArrayList<>();
      for (Instant start = from; start.isBefore(to); start = start.plus(MAX_RANGE)) {
        Instant end = start.plus(MAX_RANGE).isBefore(to) ? start.plus(MAX_RANGE) : to;
        parts.add(query(connection, start, end, true));
      }
      return Future.all(parts).map(all -> {
        List<Period> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          out.addAll(all.<List<Period>>resultAt(i));
        }
        return out;
      });
    });
  }

  private Future<List<Period>> query(Credentials connection, Instant from, Instant to, boolean mayRetry) {
    JsonObject body = new JsonObject()
        .put("timeMin", from.toString())
        .put("timeMax", to.toString())
        .put("timeZone", "UTC")
        .put("items", new JsonArray().add(new JsonObject().put("id", connection.googleId())));
    return tokens.call(connection, token -> google.freeBusy(token, body))
        .map(answer -> periods(answer, connection.googleId()))
        .recover(error -> {
          if (error instanceof GoogleAccessTokens.GrantRefused
              || (error instanceof GoogleApiException g && g.status() == 403 && !g.rateLimited())) {
            return Future.failedFuture(new ReconnectRequired("Google refused to show " + connection.email()
                + "'s free/busy (" + error.getMessage() + ")"));
          }
          if (error instanceof Unavailable || (error instanceof GoogleApiException g && !g.transientFailure())) {
            return Future.failedFuture(error instanceof Unavailable ? error : unavailable(connection, error));
          }
          if (mayRetry) {
            return vertx.timer(RETRY_AFTER_MS).compose(v -> query(connection, from, to, false));
          }
          return Future.failedFuture(unavailable(connection, error));
        });
  }

  private static Unavailable unavailable(Credentials connection, Throwable error) {
    return new Unavailable("Google did not answer for " + connection.email() + "'s calendar: "
        + (error instanceof GoogleApiException g ? g.describe() : error.toString()));
  }

  private static List<Period> periods(JsonObject answer, String calendarId) {
    JsonObject calendar = answer.getJsonObject("calendars", new JsonObject()).getJsonObject(calendarId);
    if (calendar == null) {
      throw new Unavailable("Google's free/busy answer holds no calendar " + calendarId);
    }
    JsonArray errors = calendar.getJsonArray("errors");
    if (errors != null && !errors.isEmpty()) {
      throw new Unavailable("Google could not read calendar " + calendarId + ": "
          + errors.getJsonObject(0).getString("reason"));
    }
    List<Period> out = new ArrayList<>();
    for (Object item : calendar.getJsonArray("busy", new JsonArray())) {
      JsonObject busy = (JsonObject) item;
      out.add(new Period(OffsetDateTime.parse(busy.getString("start")).toInstant(),
          OffsetDateTime.parse(busy.getString("end")).toInstant()));
    }
    return out;
  }
}
