package io.convene.time;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Rfc3339Test {
  /** What the writer replaced: the JDK's formatter with the same pattern. */
  private static final DateTimeFormatter JDK = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
      .appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true)
      .appendOffset("+HH:MM", "Z")
      .toFormatter(Locale.ROOT);

  @Test
  void writesWhatItParses() {
    for (String text : new String[] {"2026-03-29T01:30:00Z", "2026-03-29T01:30:00.5+01:00",
        "0001-01-01T00:00:00.000001-12:00", "9999-12-31T23:59:59.999999+14:00", "2026-10-25T02:00:00.12-00:30"}) {
      assertEquals(text, Rfc3339.format(Rfc3339.parse(text)));
    }
  }

  @Test
  void writesAsTheJdkFormatterDidForEveryMicrosecondTime() {
    Random random = new Random(20261203);
    for (int i = 0; i < 200_000; i++) {
      long seconds = random.nextLong(-62_135_596_800L, 253_402_300_799L);
      int micros = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1000;
        default -> random.nextInt(1_000_000);
      };
      ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 60, 18 * 60 + 1) * 60);
      Instant instant = Instant.ofEpochSecond(seconds, micros * 1000L);
      OffsetDateTime time = instant.atOffset(offset);
      assertEquals(JDK.format(time), Rfc3339.format(time));
      assertEquals(JDK.format(instant.atOffset(ZoneOffset.UTC)), Rfc3339.formatUtc(instant));
      assertEquals(JDK.format(instant.atOffset(ZoneOffset.UTC)), Rfc3339.formatUtc(time));
    }
  }

  /** What the reader replaced: a shape check, then the JDK's strict ISO parser. */
  private static OffsetDateTime jdkParse(String text) {
    if (!JDK_SHAPE.matcher(text).matches()) {
      throw new IllegalArgumentException("shape");
    }
    try {
      return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("value");
    }
  }

  private static final Pattern JDK_SHAPE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

  @Test
  void readsWhatTheJdkParserReadAndRefusesWhatItRefused() {
    Random random = new Random(3);
    String[] seeds = {"2026-02-28T23:59:59Z", "2024-02-29T00:00:00.123456789+05:30", "2026-12-03t10:00:00z",
        "0000-01-01T00:00:00-18:00", "2026-06-30T12:00:00.5-00:00", "2026-01-01T00:00:00.000001+14:00"};
    String alphabet = "0123456789-:.+TtZz x9";
    int accepted = 0;
    for (int i = 0; i < 300_000; i++) {
      StringBuilder text = new StringBuilder(seeds[i % seeds.length]);
      for (int edits = random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(text.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> text.insert(at, c);
          case 1 -> { if (at < text.length()) text.deleteCharAt(at); }
          default -> { if (at < text.length()) text.setCharAt(at, c); }
        }
      }
      String candidate = text.toString();
      OffsetDateTime expected = null;
      try {
        expected = jdkParse(candidate);
      } catch (IllegalArgumentException refused) {
        // expected stays null
      }
      OffsetDateTime actual = null;
      try {
        actual = Rfc3339.parse(candidate);
      } catch (IllegalArgumentException refused) {
        // actual stays null
      }
      assertEquals(expected, actual, candidate);
      if (expected != null) {
        accepted++;
      }
    }
    assertTrue(accepted > 10_000, "the fuzz must reach valid times too: " + accepted);
  }

  @Test
  void refusesImpossibleValues() {
    for (String text : new String[] {"2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-03T24:00:00Z",
        "2026-12-03T10:60:00Z", "2026-12-03T10:00:60Z", "2026-12-03T10:00:00+18:01", "2026-12-03T10:00:00+05:60",
        "2026-12-03T10:00:00", "2026-12-03T10:00Z", "2026-12-03T10:00:00.Z", "2026-12-03T10:00:00.1234567890Z", "",
        "2026-12-03T10:00:00Z ", "２０２６-12-03T10:00:00Z"}) {
      assertThrows(IllegalArgumentException.class, () -> Rfc3339.parse(text), text);
    }
  }

  @Test
  void cutsBelowTheMicrosecond() {
    assertEquals("2026-12-03T10:00:00.123456Z", Rfc3339.formatUtc(Instant.parse("2026-12-03T10:00:00.123456789Z")));
    assertEquals("2026-12-03T10:00:00Z", Rfc3339.formatUtc(Instant.parse("2026-12-03T10:00:00.000000999Z")));
  }
}
