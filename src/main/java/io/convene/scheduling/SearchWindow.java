package io.convene.scheduling;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * Where slots are looked for (contracts-scheduling.md §A5 step 1): {@code [start, end)} and its number
 * of calendar days in the reference zone.
 */
public record SearchWindow(Instant start, Instant end, ZoneId zone, long days) {
  public static final int MAX_DAYS = 90;

  /** A bound as the request gave it: a date (in the reference zone) or an instant with its offset. */
  public record Bound(LocalDate date, OffsetDateTime time) {
    public static Bound of(LocalDate date) {
      return new Bound(date, null);
    }

    public static Bound of(OffsetDateTime time) {
      return new Bound(null, time);
    }
  }

  /** A window the rules refuse (end before start, more than {@value #MAX_DAYS} days). */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * From dates: {@code [from 00:00, (to + 1) 00:00)} in {@code zone}; an instant is used as it is. A
   * missing {@code from} is today; a missing {@code to} is {@code from}'s date + {@code defaultDays} - 1.
   *
   * @throws Invalid when the end is not after the start or the window spans more than {@value #MAX_DAYS} days
   */
  public static SearchWindow resolve(Bound from, Bound to, ZoneId zone, Instant now, int defaultDays) {
    Instant start = from == null ? at(LocalDate.ofInstant(now, zone), 0, zone)
        : from.date() != null ? at(from.date(), 0, zone) : from.time().toInstant();
    Instant end;
    if (to == null) {
      end = at(LocalDate.ofInstant(start, zone).plusDays(defaultDays), 0, zone);
    } else {
      end = to.date() != null ? at(to.date().plusDays(1), 0, zone) : to.time().toInstant();
    }
    if (!end.isAfter(start)) {
      throw new Invalid("the window's end must be after its start");
    }
    long days = ChronoUnit.DAYS.between(LocalDate.ofInstant(start, zone), LocalDate.ofInstant(end.minusNanos(1), zone)) + 1;
    if (days > MAX_DAYS) {
      throw new Invalid("the window spans " + days + " days; at most " + MAX_DAYS);
    }
    return new SearchWindow(start, end, zone, days);
  }

  /**
   * A local date and wall time (minutes since midnight, {@code 1440} = 24:00) as an instant: in a
   * spring-forward gap the time moves forward by the gap's length, in a fall-back overlap the earlier
   * offset wins (what {@link ZonedDateTime#of} does).
   */
  public static Instant at(LocalDate date, int minutes, ZoneId zone) {
    if (minutes == 1440) {
      return ZonedDateTime.of(date.plusDays(1).atStartOfDay(), zone).toInstant();
    }
    return ZonedDateTime.of(date.atTime(minutes / 60, minutes % 60), zone).toInstant();
  }
}
