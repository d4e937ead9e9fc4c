package io.convene.time;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

/** RFC 3339 date-times: strict on the way in (seconds and an offset are required), stable on the way out. */
public final class Rfc3339 {
  private static final Pattern SHAPE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

  // Seconds are always written; a fraction only when there is one; a zero offset as "Z".
  private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
      .appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true)
      .appendOffset("+HH:MM", "Z")
      .toFormatter(Locale.ROOT);

  private Rfc3339() {
  }

  /**
   * Parses an RFC 3339 date-time, keeping its offset. Precision beyond microseconds (what
   * PostgreSQL keeps) is cut, so what is echoed back is what was stored.
   *
   * @throws IllegalArgumentException when the text is not RFC 3339
   */
  public static OffsetDateTime parse(String text) {
    if (text == null || !SHAPE.matcher(text).matches()) {
      throw new IllegalArgumentException("not an RFC 3339 date-time with an offset");
    }
    try {
      return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a valid date-time: " + e.getParsedString());
    }
  }

  public static String format(OffsetDateTime time) {
    return FORMAT.format(time);
  }

  public static String formatUtc(Instant instant) {
    return FORMAT.format(instant.atOffset(ZoneOffset.UTC));
  }

  public static String formatUtc(OffsetDateTime time) {
    return FORMAT.format(time.withOffsetSameInstant(ZoneOffset.UTC));
  }
}
