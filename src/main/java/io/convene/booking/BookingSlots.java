package io.convene.booking;

import io.convene.calendar.FreeBusy;
import io.convene.errors.ApiException;
import io.convene.meeting.Person;
import io.convene.scheduling.BusyTime;
import io.convene.scheduling.Preferences;
import io.convene.scheduling.Preferences.FocusBlock;
import io.convene.scheduling.SearchWindow;
import io.convene.scheduling.SlotFinder.Interval;
import io.convene.scheduling.SlotFinder.Slot;
import io.convene.scheduling.Users;
import io.convene.scheduling.Users.User;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The slots a meeting event offers (contracts-scheduling.md §B4) and whether its hosts are free for one
 * (§B8). Candidates step by the duration from the start of each interval of the event's weekly times, on the
 * instant line, in the event's zone (the §0 DST rule); a candidate is kept when it starts after the notice and
 * within the horizon, and no host is busy: their Convene meetings, their Google busy time when they have a live
 * connection, and, for a host with stored preferences, their focus blocks, buffer and daily cap.
 */
public final class BookingSlots {
  /** Busy time is read this far around the candidates: buffers and the local days of caps reach beyond them. */
  private static final Duration MARGIN = Duration.ofDays(2);
  /** Google busy matters only within the largest buffer. */
  private static final Duration GOOGLE_MARGIN = Duration.ofMinutes(30);
  /** How long the read path may reuse a connection's Google busy time (ours, §B4). */
  private static final long CACHE_MS = 60_000;

  /**
   * The hosts as a booking's guard needs them: email keys (the guard locks them in ascending order) and their
   * effective rules (no buffer or cap without stored preferences).
   */
  public record Hosts(List<String> keys, List<Preferences> preferences) {
  }

  /** The candidates no host is busy for, and the hosts as the booking guard needs them. */
  public record Checked(List<Slot> free, Hosts hosts) {
  }

  private record Cached(long at, Instant from, Instant to, List<Interval> busy) {
  }

  private final Pool pool;
  private final Users users;
  private final FreeBusy google;
  private final Duration notice;
  private final Duration horizon;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** @param google {@code null} when Google is not configured */
  public BookingSlots(Pool pool, Users users, FreeBusy google, int minNoticeMinutes, int horizonDays) {
    this.pool = pool;
    this.users = users;
    this.google = google;
    this.notice = Duration.ofMinutes(minNoticeMinutes);
    this.horizon = Duration.ofDays(horizonDays);
  }

  /** Every offered start of {@code duration} on the local dates {@code from}..{@code to} (event zone), before busy time. */
  public List<Slot> candidates(BookableEvent event, int duration, LocalDate from, LocalDate to, Instant now) {
    ZoneId zone = event.availability().zone();
    Duration length = Duration.ofMinutes(duration);
    Instant earliest = now.plus(notice);
    Instant latest = now.plus(horizon);
    List<Slot> out = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      for (WeeklyTimes.Interval i : event.availability().times().get(d.getDayOfWeek())) {
        Instant a = SearchWindow.at(d, i.start(), zone);
        Instant b = SearchWindow.at(d, i.end(), zone);
        for (Instant s = a; !s.plus(length).isAfter(b); s = s.plus(length)) {
          if (!s.isBefore(earliest) && s.isBefore(latest)) {
            out.add(new Slot(s, s.plus(length), null, null, null));
          }
        }
      }
    }
    return out;
  }

  /**
   * Whether {@code start} is one of the offered starts for {@code duration} (grid, times, notice, horizon): what
   * {@link #candidates} would list, worked out from the intervals of the days around it instead of listing them
   * (an all-day event in 5-minute slots has 864 a day).
   */
  public boolean offered(BookableEvent event, int duration, Instant start, Instant now) {
    if (start.isBefore(now.plus(notice)) || !start.isBefore(now.plus(horizon)) || start.getNano() != 0) {
      return false;
    }
    ZoneId zone = event.availability().zone();
    long length = duration * 60L;
    LocalDate day = LocalDate.ofInstant(start, zone);
    for (LocalDate d = day.minusDays(1); !d.isAfter(day.plusDays(1)); d = d.plusDays(1)) {
      for (WeeklyTimes.Interval i : event.availability().times().get(d.getDayOfWeek())) {
        long fromFirst = start.getEpochSecond() - SearchWindow.at(d, i.start(), zone).getEpochSecond();
        if (fromFirst >= 0 && fromFirst % length == 0
            && start.getEpochSecond() + length <= SearchWindow.at(d, i.end(), zone).getEpochSecond()) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The candidates no host is busy for.
   *
   * @param except  a meeting that does not count (the one being rescheduled), or {@code null}
   * @param cached  whether Google busy may come from the last minute's answers (the public read path only)
   */
  public Future<List<Slot>> free(BookableEvent event, List<Slot> candidates, String except, boolean cached) {
    if (candidates.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return check(event, candidates, except, cached, true).map(Checked::free);
  }

  /**
   * Before a booking's transaction: whether {@code slot} is free of the hosts' Google busy time (read fresh) and
   * focus blocks, with the hosts' rules for the guard. Their meetings, buffers and caps are the guard's to check,
   * in the transaction, after the locks: read here too, they would only be read twice.
   */
  public Future<Checked> beforeGuard(BookableEvent event, Slot slot, String except) {
    return check(event, List.of(slot), except, false, false);
  }

  private Future<Checked> check(BookableEvent event, List<Slot> candidates, String except, boolean cached,
                                boolean withMeetings) {
    List<Person> hosts = event.meetingHosts();
    List<String> emails = hosts.stream().map(Person::email).toList();
    Instant from = candidates.get(0).start();
    Instant to = candidates.get(candidates.size() - 1).end();
    return users.find(event.accountId(), emails).compose(found -> {
      List<String> keys = found.stream().map(User::emailKey).toList();
      Future<Map<String, BusyTime.Meetings>> meetings = withMeetings
          ? BusyTime.of(pool, event.accountId(), keys, from.minus(MARGIN), to.plus(MARGIN), except)
          : Future.succeededFuture(none(keys));
      List<Future<List<Interval>>> googleBusy = new ArrayList<>(found.size());
      for (User u : found) {
        googleBusy.add(googleBusy(event.accountId(), u, from.minus(GOOGLE_MARGIN), to.plus(GOOGLE_MARGIN), cached));
      }
      return Future.all(meetings, Future.all(googleBusy)).map(all -> {
        List<Slot> out = new ArrayList<>(candidates);
        List<Preferences> rules = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
          User u = found.get(i);
          BusyTime.Meetings own = meetings.result().get(keys.get(i));
          List<Interval> busy = new ArrayList<>(own.busy());
          busy.addAll(googleBusy.get(i).result());
          Preferences p = u.stored() == null ? null : u.preferences();
          if (p != null) {
            busy.addAll(focusBlocks(p, from, to));
          }
          rules.add(p == null ? unbounded() : p);
          out.removeIf(slot -> busyFor(slot, busy, own.starts(), p));
        }
        return new Checked(out, new Hosts(keys, rules));
      });
    });
  }

  private static Map<String, BusyTime.Meetings> none(List<String> keys) {
    Map<String, BusyTime.Meetings> out = new HashMap<>();
    keys.forEach(k -> out.put(k, new BusyTime.Meetings(List.of(), List.of())));
    return out;
  }

  /** A host without stored preferences: no buffer, no daily cap (ours, §B8). */
  private static Preferences unbounded() {
    return new Preferences(Map.of(), ZoneId.of("UTC"), 0, 14, Integer.MAX_VALUE, Preferences.FLEXIBLE, null, List.of());
  }

  private static boolean busyFor(Slot slot, List<Interval> busy, List<Instant> starts, Preferences p) {
    Duration buffer = Duration.ofMinutes(p == null ? 0 : p.bufferMinutes());
    for (Interval b : busy) {
      if (slot.start().isBefore(b.end().plus(buffer)) && slot.end().isAfter(b.start().minus(buffer))) {
        return true;
      }
    }
    if (p == null) {
      return false;
    }
    LocalDate day = LocalDate.ofInstant(slot.start(), p.zone());
    long sameDay = starts.stream().filter(s -> LocalDate.ofInstant(s, p.zone()).equals(day)).count();
    return sameDay >= p.maxMeetingsPerDay();
  }

  private static List<Interval> focusBlocks(Preferences p, Instant from, Instant to) {
    List<Interval> out = new ArrayList<>();
    LocalDate last = LocalDate.ofInstant(to, p.zone()).plusDays(1);
    for (LocalDate d = LocalDate.ofInstant(from, p.zone()).minusDays(1); !d.isAfter(last); d = d.plusDays(1)) {
      for (FocusBlock b : p.focusBlocks()) {
        if (b.day() == d.getDayOfWeek()) {
          out.add(new Interval(SearchWindow.at(d, b.start(), p.zone()), SearchWindow.at(d, b.end(), p.zone())));
        }
      }
    }
    return out;
  }

  private Future<List<Interval>> googleBusy(String accountId, User user, Instant from, Instant to, boolean cached) {
    if (google == null || user.connection() == null) {
      return Future.succeededFuture(List.of());
    }
    String connectionId = user.connection().id();
    long nowMs = System.currentTimeMillis();
    if (cached) {
      Cached hit = cache.get(connectionId);
      if (hit != null && nowMs - hit.at() < CACHE_MS && !hit.from().isAfter(from) && !hit.to().isBefore(to)) {
        return Future.succeededFuture(hit.busy());
      }
    }
    return google.busy(accountId, connectionId, from, to)
        .map(periods -> {
          List<Interval> busy = periods.stream().map(p -> new Interval(p.start(), p.end())).toList();
          cache.put(connectionId, new Cached(nowMs, from, to, busy));
          return busy;
        })
        .recover(error -> Future.failedFuture(
            error instanceof FreeBusy.ReconnectRequired ? new ApiException(409, "calendar_reconnect_required",
                error.getMessage() + "; the host must connect their calendar again", null)
            : error instanceof FreeBusy.Unavailable ? new ApiException(502, "calendar_unavailable", error.getMessage(), null)
            : error));
  }
}
