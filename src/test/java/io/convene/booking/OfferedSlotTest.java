package io.convene.booking;

import io.convene.scheduling.SlotFinder.Slot;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A booking's start is checked (contracts-scheduling.md §B5) without listing the day's slots: the check must say
 * yes exactly for the starts the slots read lists (§B4), on DST switch days too, with notice and horizon.
 */
class OfferedSlotTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  /** Notice 60 minutes, horizon 60 days (the defaults). */
  private final BookingSlots slots = new BookingSlots(null, null, null, 60, 60);

  private static BookableEvent event(ZoneId zone, List<WeeklyTimes.Interval> everyDay) {
    Map<DayOfWeek, List<WeeklyTimes.Interval>> times = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek d : DayOfWeek.values()) {
      times.put(d, d == DayOfWeek.WEDNESDAY ? List.of() : everyDay);
    }
    return new BookableEvent("mev_1", "acct_1", "intro", "Intro", null, List.of(15, 25, 60), null, false,
        new WeeklyTimes(zone, times), List.of(), Instant.EPOCH, Instant.EPOCH, false);
  }

  @Test
  void saysYesExactlyForTheListedStartsAcrossTheSwitchDays() {
    // 01:00-03:30 crosses both of London's switches (2030-03-31 and 2030-10-27); 23:10-24:00 ends at midnight.
    BookableEvent e = event(LONDON, List.of(new WeeklyTimes.Interval(60, 210), new WeeklyTimes.Interval(540, 1000),
        new WeeklyTimes.Interval(1390, 1440)));
    for (String nowText : new String[] {"2030-03-28T09:07:00Z", "2030-10-24T00:00:00Z"}) {
      Instant now = Instant.parse(nowText);
      LocalDate from = LocalDate.ofInstant(now, LONDON).minusDays(1);
      LocalDate to = from.plusDays(62);
      for (int duration : List.of(15, 25, 60)) {
        Set<Instant> listed = new HashSet<>();
        for (Slot s : slots.candidates(e, duration, from, to, now)) {
          listed.add(s.start());
        }
        int yes = 0;
        for (Instant t = from.atStartOfDay(LONDON).toInstant(); t.isBefore(now.plus(Duration.ofDays(62)));
             t = t.plusSeconds(300)) {
          boolean offered = slots.offered(e, duration, t, now);
          assertEquals(listed.contains(t), offered, t + " for " + duration + " minutes, now " + now);
          yes += offered ? 1 : 0;
        }
        assertEquals(listed.size(), yes, "every listed start is on the 5-minute line, now " + now);
        assertTrue(yes > 0);
      }
    }
  }

  @Test
  void refusesWhatIsOffTheSecondOrTheGrid() {
    BookableEvent e = event(ZoneId.of("UTC"), List.of(new WeeklyTimes.Interval(540, 1020)));
    Instant now = Instant.parse("2030-03-11T00:00:00Z");
    assertTrue(slots.offered(e, 15, Instant.parse("2030-03-11T09:15:00Z"), now));
    assertFalse(slots.offered(e, 15, Instant.parse("2030-03-11T09:15:00.5Z"), now));
    assertFalse(slots.offered(e, 15, Instant.parse("2030-03-11T09:15:30Z"), now));
    assertTrue(slots.offered(e, 25, Instant.parse("2030-03-11T16:30:00Z"), now));
    assertFalse(slots.offered(e, 25, Instant.parse("2030-03-11T16:55:00Z"), now), "ends after 17:00");
    assertFalse(slots.offered(e, 25, Instant.parse("2030-03-11T16:15:00Z"), now), "off the 25-minute grid");
    assertFalse(slots.offered(e, 15, Instant.parse("2030-03-13T09:15:00Z"), now), "no times on Wednesdays");
  }
}
