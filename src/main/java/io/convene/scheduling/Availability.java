package io.convene.scheduling;

import io.convene.calendar.FreeBusy;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.scheduling.SearchWindow.Bound;
import io.convene.scheduling.SlotFinder.Attendee;
import io.convene.scheduling.SlotFinder.Interval;
import io.convene.scheduling.SlotFinder.Result;
import io.convene.scheduling.SlotFinder.Search;
import io.convene.scheduling.Users.User;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mutual free slots of a tenant's users (contracts-scheduling.md §A4–A6): who they are, when they are
 * busy (the tenant's meetings, Google free/busy, focus blocks), and the slot algorithm over that.
 */
public final class Availability {
  /** Busy time is read this far around the window: local days in any zone, buffers and caps reach beyond it. */
  private static final Duration MARGIN = Duration.ofDays(2);
  /** Google busy matters only within the largest buffer of the window. */
  private static final Duration GOOGLE_MARGIN = Duration.ofMinutes(30);

  /**
   * @param field      the request field naming the attendees, for errors ({@code attendees[i]})
   * @param except     a meeting that does not make anyone busy (the one being rescheduled), or {@code null}
   * @param avoid      times no slot may overlap (its current time), or {@code null}
   */
  public record Query(List<String> emails, String field, int durationMinutes, Bound from, Bound to, String dateField,
                      boolean urgent, String except, Interval avoid) {
  }

  /** The attendees as found, the window searched and what the algorithm made of it. */
  public record Found(List<User> users, SearchWindow window, Result result) {
  }

  private final Pool pool;
  private final Users users;
  private final FreeBusy google;
  private final Duration notice;

  /** @param google {@code null} when Google is not configured: only the tenant's meetings make people busy */
  public Availability(Pool pool, Users users, FreeBusy google, int minNoticeMinutes) {
    this.pool = pool;
    this.users = users;
    this.google = google;
    this.notice = Duration.ofMinutes(minNoticeMinutes);
  }

  public Future<Found> find(String accountId, Query q) {
    Instant now = Instant.now();
    return users.find(accountId, q.emails()).compose(found -> {
      List<Preferences> prefs = new ArrayList<>(found.size());
      int windowDays = Integer.MAX_VALUE;
      for (int i = 0; i < found.size(); i++) {
        User u = found.get(i);
        if (!u.known()) {
          throw Users.unknown(q.emails().get(i), Fields.item(q.field(), i));
        }
        prefs.add(u.preferences());
        windowDays = Math.min(windowDays, prefs.get(i).windowDays());
      }
      ZoneId reference = prefs.get(0).zone();
      SearchWindow window;
      try {
        window = SearchWindow.resolve(q.from(), q.to(), reference, now, windowDays);
      } catch (SearchWindow.Invalid e) {
        throw ApiException.badRequest("invalid_date_range", e.getMessage(), q.dateField());
      }
      List<String> keys = found.stream().map(User::emailKey).toList();
      Future<Map<String, BusyTime.Meetings>> meetings = BusyTime.of(pool, accountId, keys,
          window.start().minus(MARGIN), window.end().plus(MARGIN), q.except());
      List<Future<List<Interval>>> googleBusy = new ArrayList<>(found.size());
      for (int i = 0; i < found.size(); i++) {
        googleBusy.add(googleBusy(accountId, found.get(i), window, Fields.item(q.field(), i)));
      }
      return Future.all(meetings, Future.all(googleBusy)).map(all -> {
        List<Attendee> attendees = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
          BusyTime.Meetings own = meetings.result().get(keys.get(i));
          List<Interval> busy = new ArrayList<>(own.busy());
          busy.addAll(googleBusy.get(i).result());
          attendees.add(new Attendee(q.emails().get(i), prefs.get(i), busy, own.starts()));
        }
        Result result = SlotFinder.find(new Search(attendees, q.durationMinutes(), window, now, now.plus(notice),
            q.urgent(), q.avoid()));
        return new Found(found, window, result);
      });
    });
  }

  private Future<List<Interval>> googleBusy(String accountId, User user, SearchWindow window, String field) {
    if (google == null || user.connection() == null) {
      return Future.succeededFuture(List.of());
    }
    return google.busy(accountId, user.connection().id(), window.start().minus(GOOGLE_MARGIN),
            window.end().plus(GOOGLE_MARGIN))
        .map(periods -> periods.stream().map(p -> new Interval(p.start(), p.end())).toList())
        .recover(error -> Future.failedFuture(
            error instanceof FreeBusy.ReconnectRequired ? new ApiException(409, "calendar_reconnect_required",
                error.getMessage() + "; send them to GET /v1/platform/oauth-url to connect again", field)
            : error instanceof FreeBusy.Unavailable ? new ApiException(502, "calendar_unavailable", error.getMessage(), field)
            : error));
  }
}
