package io.convene.time;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** RFC 3339 date-times: strict on the way in (seconds and an offset are required), stable on the way out. */
public final class Rfc3339 {
  private Rfc3339() {
  }

  /**
   * Parses an RFC 3339 date-time, keeping its offset. Precision beyond microseconds (what
   * PostgreSQL keeps) is cut, so what is echoed back is what was stored. Read by hand (every
   * change carries two), with the checks of the JDK's strict ISO parser: real calendar days, hours
   * 0–23, seconds 0–59, offsets within ±18:00.
   *
   * @throws IllegalArgumentException when the text is not RFC 3339
   */
  public static OffsetDateTime parse(String text) {
    if (text == null || !hasShape(text)) {
      throw new IllegalArgumentException("not an RFC 3339 date-time with an offset");
    }
    int nanos = 0;
    int at = 19;
    if (text.charAt(at) == '.') {
      int digits = 0;
      for (at++; isDigit(text.charAt(at)); at++, digits++) {
        nanos = nanos * 10 + text.charAt(at) - '0';
      }
      for (; digits < 9; digits++) {
        nanos *= 10;
      }
    }
    try {
      ZoneOffset offset = ZoneOffset.UTC;
      char sign = text.charAt(at);
      if (sign == '+' || sign == '-') {
        int hours = number(text, at + 1, 2);
        int minutes = number(text, at + 4, 2);
        offset = sign == '+' ? ZoneOffset.ofHoursMinutes(hours, minutes) : ZoneOffset.ofHoursMinutes(-hours, -minutes);
      }
      return OffsetDateTime.of(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2), number(text, 11, 2),
          number(text, 14, 2), number(text, 17, 2), nanos / 1000 * 1000, offset);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("not a valid date-time: " + text);
    }
  }

  /** {@code uuuu-MM-ddTHH:mm:ss[.f{1,9}](Z|±HH:MM)}, T and Z in either case. */
  private static boolean hasShape(String text) {
    int length = text.length();
    if (length < 20 || !digitsAt(text, 0, 4) || text.charAt(4) != '-' || !digitsAt(text, 5, 2) || text.charAt(7) != '-'
        || !digitsAt(text, 8, 2) || (text.charAt(10) != 'T' && text.charAt(10) != 't') || !digitsAt(text, 11, 2)
        || text.charAt(13) != ':' || !digitsAt(text, 14, 2) || text.charAt(16) != ':' || !digitsAt(text, 17, 2)) {
      return false;
    }
    int at = 19;
    if (text.charAt(at) == '.') {
      int digits = 0;
      for (at++; at < length && isDigit(text.charAt(at)); at++) {
        digits++;
      }
      if (digits < 1 || digits > 9 || at == length) {
        return false;
      }
    }
    char zone = text.charAt(at);
    if (zone == 'Z' || zone == 'z') {
      return at + 1 == length;
    }
    return (zone == '+' || zone == '-') && at + 6 == length && digitsAt(text, at + 1, 2) && text.charAt(at + 3) == ':'
        && digitsAt(text, at + 4, 2);
  }

  private static boolean digitsAt(String text, int from, int count) {
    for (int i = from; i < from + count; i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int number(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      value = value * 10 + text.charAt(i) - '0';
    }
    return value;
  }

  /** The time in its own offset: seconds always, a fraction only when there is one, a zero offset as "Z". */
  public static String format(OffsetDateTime time) {
    return write(time.toLocalDateTime(), time.getOffset().getTotalSeconds());
  }

  public static String formatUtc(Instant instant) {
    return write(LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC), 0);
  }

  public static String formatUtc(OffsetDateTime time) {
    return write(time.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime(), 0);
  }

  /**
   * Written by hand: every meeting in every answer has four date-times, and a DateTimeFormatter (with the
   * fixed offset's rules it makes on each call) cost more than the rest of the meeting's JSON. The fraction is
   * cut to microseconds (what PostgreSQL keeps), trailing zeros dropped; the offset is whole minutes, as
   * {@link #parse} takes it.
   */
  private static String write(LocalDateTime t, int offsetSeconds) {
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      throw new IllegalArgumentException("year outside RFC 3339: " + year);
    }
    StringBuilder out = new StringBuilder(32);
    digits(out, year, 4).append('-');
    digits(out, t.getMonthValue(), 2).append('-');
    digits(out, t.getDayOfMonth(), 2).append('T');
    digits(out, t.getHour(), 2).append(':');
    digits(out, t.getMinute(), 2).append(':');
    digits(out, t.getSecond(), 2);
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      int width = 6;
      while (micros % 10 == 0) {
        micros /= 10;
        width--;
      }
      digits(out.append('.'), micros, width);
    }
    if (offsetSeconds == 0) {
      return out.append('Z').toString();
    }
    int minutes = Math.abs(offsetSeconds) / 60;
    out.append(offsetSeconds < 0 ? '-' : '+');
    digits(out, minutes / 60, 2).append(':');
    return digits(out, minutes % 60, 2).toString();
  }

  private static StringBuilder digits(StringBuilder out, int value, int width) {
    for (int scale = pow10(width - 1); scale > 0; scale /= 10) {
      out.append((char) ('0' + value / scale % 10));
    }
    return out;
  }

  private static int pow10(int exponent) {
    int value = 1;
    for (int i = 0; i < exponent; i++) {
      value *= 10;
    }
    return value;
  }
}
