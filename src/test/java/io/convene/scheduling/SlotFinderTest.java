package io.convene.scheduling;

import io.convene.scheduling.SearchWindow.Bound;
import io.convene.scheduling.SlotFinder.Attendee;
import io.convene.scheduling.SlotFinder.Interval;
import io.convene.scheduling.SlotFinder.Result;
import io.convene.scheduling.SlotFinder.Search;
import io.convene.scheduling.SlotFinder.Slot;
import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The slot algorithm of contracts-scheduling.md §A5: its worked examples verbatim, then the edges of zones and rules. */
class SlotFinderTest {
  /** "now before 2030". */
  private static final Instant BEFORE_2030 = Instant.parse("2029-06-01T00:00:00Z");

  private static Preferences prefs(JsonObject stored) {
    return Preferences.fromJson(Preferences.effectiveJson(stored, null));
  }

  private static Preferences zone(String zone) {
    return prefs(new JsonObject().put("timezone", zone));
  }

  private static Attendee person(String email, Preferences prefs) {
    return new Attendee(email, prefs, List.of(), List.of());
  }

  private static Result find(List<Attendee> attendees, int minutes, String from, String to, Instant now) {
    ZoneId r = attendees.get(0).preferences().zone();
    SearchWindow window = SearchWindow.resolve(Bound.of(LocalDate.parse(from)), Bound.of(LocalDate.parse(to)), r, now, 14);
    return SlotFinder.find(new Search(attendees, minutes, window, now, now.plusSeconds(3600), false, null));
  }

  private static Result find(List<Attendee> attendees, int minutes, String from, String to) {
    return find(attendees, minutes, from, to, BEFORE_2030);
  }

  /** Each slot as {@code start score} in the reference zone's offset. */
  private static List<String> shown(Result result, String zone) {
    List<String> out = new ArrayList<>();
    for (Slot s : result.slots()) {
      out.add(Rfc3339.format(s.start().atZone(ZoneId.of(zone)).toOffsetDateTime()) + " " + s.score());
    }
    return out;
  }

  private static List<String> starts(Result result, String zone) {
    return shown(result, zone).stream().map(s -> s.substring(0, s.indexOf(' '))).toList();
  }

  // ---- the worked examples -------------------------------------------------------------------

  @Test
  void oneUserInUtcOnATuesday() {
    Result r = find(List.of(person("u@example.com", zone("UTC"))), 30, "2030-03-12", "2030-03-12");
    assertEquals(List.of("2030-03-12T10:00:00Z 0.91", "2030-03-12T10:30:00Z 0.91", "2030-03-12T09:00:00Z 0.76",
        "2030-03-12T09:30:00Z 0.76", "2030-03-12T11:00:00Z 0.76"), shown(r, "UTC"));
    assertEquals("Mid-morning for everyone; inside 8am-6pm for everyone", r.slots().get(0).reason());
    assertEquals(Instant.parse("2030-03-12T10:30:00Z"), r.slots().get(1).end().minusSeconds(1800));
  }

  @Test
  void newYorkAndLondonBothOnWinterTime() {
    Result r = find(List.of(person("bob@example.com", zone("America/New_York")),
        person("alice@example.com", zone("Europe/London"))), 60, "2030-03-05", "2030-03-05");
    assertEquals(List.of("2030-03-05T09:00:00-05:00 0.76", "2030-03-05T10:00:00-05:00 0.76",
        "2030-03-05T11:00:00-05:00 0.76"), shown(r, "America/New_York"));
  }

  @Test
  void newYorkOnSummerTimeLondonNotYet() {
    Result r = find(List.of(person("bob@example.com", zone("America/New_York")),
        person("alice@example.com", zone("Europe/London"))), 60, "2030-03-12", "2030-03-12");
    assertEquals(List.of("2030-03-12T09:00:00-04:00 0.76", "2030-03-12T10:00:00-04:00 0.76",
        "2030-03-12T11:00:00-04:00 0.76", "2030-03-12T12:00:00-04:00 0.61"), shown(r, "America/New_York"));
    assertEquals("Inside 8am-6pm for everyone; over lunch for bob@example.com", r.slots().get(3).reason());
  }

  private static Preferences onlySunday(String start, String end) {
    JsonObject days = new JsonObject();
    for (String day : List.of("monday", "tuesday", "wednesday", "thursday", "friday", "saturday")) {
      days.put(day, new JsonObject().put("enabled", false));
    }
    days.put("sunday", new JsonObject().put("enabled", true).put("start", start).put("end", end));
    return prefs(new JsonObject().put("timezone", "America/New_York").put("work_hours", days));
  }

  @Test
  void springForwardGapHasNoSlotAtTwoOClock() {
    Result r = find(List.of(person("u@example.com", onlySunday("01:00", "04:00"))), 30, "2030-03-10", "2030-03-10");
    assertEquals(List.of("2030-03-10T01:00:00-05:00 0.38", "2030-03-10T01:30:00-05:00 0.38",
        "2030-03-10T03:00:00-04:00 0.38", "2030-03-10T03:30:00-04:00 0.38"), shown(r, "America/New_York"));
    assertEquals(Instant.parse("2030-03-10T07:00:00Z"), r.slots().get(1).end(), "01:30-05:00 ends 03:00-04:00");
    assertEquals("Outside 8am-6pm for everyone", r.slots().get(0).reason());
  }

  @Test
  void fallBackOverlapMakesAThreeHourWindowLastFour() {
    Result r = find(List.of(person("u@example.com", onlySunday("00:00", "03:00"))), 60, "2030-11-03", "2030-11-03");
    assertEquals(List.of("2030-11-03T00:00:00-04:00", "2030-11-03T01:00:00-04:00", "2030-11-03T01:00:00-05:00",
        "2030-11-03T02:00:00-05:00"), starts(r, "America/New_York"));
  }

  // ---- zones -----------------------------------------------------------------------------------

  @Test
  void halfHourAndThreeQuarterHourOffsetsKeepTheLocalGrid() {
    for (String zone : List.of("Asia/Kolkata", "Asia/Kathmandu")) {
      Result r = find(List.of(person("u@example.com", zone(zone))), 30, "2030-03-12", "2030-03-12");
      String offset = zone.equals("Asia/Kolkata") ? "+05:30" : "+05:45";
      assertEquals(List.of("2030-03-12T10:00:00" + offset + " 0.91", "2030-03-12T10:30:00" + offset + " 0.91",
          "2030-03-12T09:00:00" + offset + " 0.76", "2030-03-12T09:30:00" + offset + " 0.76",
          "2030-03-12T11:00:00" + offset + " 0.76"), shown(r, zone), zone);
    }
    // Together: Kolkata 03:30-11:30Z, Kathmandu 03:15-11:15Z; 10:00 in Kathmandu is 09:45 in Kolkata.
    Result both = find(List.of(person("k@example.com", zone("Asia/Kathmandu")), person("i@example.com", zone("Asia/Kolkata"))),
        30, "2030-03-12", "2030-03-12");
    assertEquals(List.of("2030-03-12T10:15:00+05:45 0.91", "2030-03-12T10:45:00+05:45 0.91",
        "2030-03-12T09:15:00+05:45 0.76", "2030-03-12T09:45:00+05:45 0.76", "2030-03-12T11:15:00+05:45 0.76"),
        shown(both, "Asia/Kathmandu"));
    assertEquals(30, both.free(), "starts from 09:15 to 16:30 Kathmandu time, every quarter hour");
  }

  @Test
  void sydneyLeavesSummerTimeOverTheWeekend() {
    Result r = find(List.of(person("u@example.com", zone("Australia/Sydney"))), 30, "2030-04-05", "2030-04-08");
    assertEquals(List.of("2030-04-05T10:00:00+11:00 0.91", "2030-04-05T10:30:00+11:00 0.91",
        "2030-04-08T10:00:00+10:00 0.91", "2030-04-08T10:30:00+10:00 0.91", "2030-04-05T09:00:00+11:00 0.76"),
        shown(r, "Australia/Sydney"));
  }

  /** London springs forward on 31 March, Sydney falls back on 7 April: the common hours move twice. */
  @Test
  void bothTransitionsOfTheWindowMoveTheCommonHours() {
    JsonObject evenings = new JsonObject();
    for (String day : List.of("monday", "tuesday", "wednesday", "thursday", "friday")) {
      evenings.put(day, new JsonObject().put("start", "17:00").put("end", "24:00"));
    }
    JsonObject mornings = new JsonObject();
    for (String day : List.of("monday", "tuesday", "wednesday", "thursday", "friday")) {
      mornings.put(day, new JsonObject().put("start", "07:00").put("end", "12:00"));
    }
    Attendee london = person("l@example.com", prefs(new JsonObject().put("timezone", "Europe/London").put("work_hours", mornings)));
    Attendee sydney = person("s@example.com", prefs(new JsonObject().put("timezone", "Australia/Sydney")
        .put("work_hours", evenings)));
    // Before: 07:00-12:00Z in common (5 h, 17 hour-long starts); London on summer time: 06:00-11:00Z (17);
    // Sydney on winter time too: 07:00-11:00Z (13).
    assertEquals(17, find(List.of(london, sydney), 60, "2030-03-29", "2030-03-29").free());
    assertEquals(List.of("2030-04-01T07:00:00+01:00", "2030-04-01T08:00:00+01:00", "2030-04-01T09:00:00+01:00",
        "2030-04-01T10:00:00+01:00", "2030-04-01T11:00:00+01:00"), starts(find(List.of(london, sydney), 60, "2030-04-01", "2030-04-01"), "Europe/London"));
    Result after = find(List.of(london, sydney), 60, "2030-04-08", "2030-04-08");
    assertEquals(13, after.free());
    assertEquals(List.of("2030-04-08T08:00:00+01:00", "2030-04-08T09:00:00+01:00", "2030-04-08T10:00:00+01:00",
        "2030-04-08T11:00:00+01:00"), starts(after, "Europe/London"));
    Result whole = find(List.of(london, sydney), 60, "2030-03-29", "2030-04-08");
    assertEquals(17 + 5 * 17 + 13, whole.free());
  }

  @Test
  void aWindowOverTheYearEnd() {
    Result r = find(List.of(person("u@example.com", zone("Pacific/Auckland"))), 30, "2030-12-31", "2031-01-02");
    assertEquals(List.of("2030-12-31T10:00:00+13:00 0.91", "2030-12-31T10:30:00+13:00 0.91",
        "2031-01-01T10:00:00+13:00 0.91", "2031-01-01T10:30:00+13:00 0.91", "2031-01-02T10:00:00+13:00 0.91"),
        shown(r, "Pacific/Auckland"));
    SearchWindow w = SearchWindow.resolve(Bound.of(LocalDate.parse("2030-12-31")), Bound.of(LocalDate.parse("2031-01-02")),
        ZoneId.of("Pacific/Auckland"), BEFORE_2030, 14);
    assertEquals(3, w.days());
    assertEquals(Instant.parse("2030-12-30T11:00:00Z"), w.start());
    assertEquals(Instant.parse("2031-01-02T11:00:00Z"), w.end());
  }

  @Test
  void workingDaysThatDoNotOverlapGiveNoSlot() {
    Attendee mondays = person("m@example.com", prefs(new JsonObject().put("work_hours", new JsonObject()
        .put("tuesday", new JsonObject().put("enabled", false)).put("wednesday", new JsonObject().put("enabled", false))
        .put("thursday", new JsonObject().put("enabled", false)).put("friday", new JsonObject().put("enabled", false)))));
    Attendee weekends = person("w@example.com", prefs(new JsonObject().put("work_hours", new JsonObject()
        .put("monday", new JsonObject().put("enabled", false)).put("tuesday", new JsonObject().put("enabled", false))
        .put("wednesday", new JsonObject().put("enabled", false)).put("thursday", new JsonObject().put("enabled", false))
        .put("friday", new JsonObject().put("enabled", false)).put("saturday", new JsonObject().put("enabled", true))
        .put("sunday", new JsonObject().put("enabled", true)))));
    Result r = find(List.of(mondays, weekends), 30, "2030-03-01", "2030-03-31");
    assertEquals(List.of(), r.slots());
    assertEquals(0, r.free());
  }

  // ---- rules -----------------------------------------------------------------------------------

  @Test
  void busyTimeWithAndWithoutBuffersBackToBackIsFine() {
    List<Interval> busy = List.of(new Interval(Instant.parse("2030-03-12T09:00:00Z"), Instant.parse("2030-03-12T10:00:00Z")),
        new Interval(Instant.parse("2030-03-12T10:30:00Z"), Instant.parse("2030-03-12T16:00:00Z")));
    Attendee plain = new Attendee("u@example.com", zone("UTC"), busy, List.of());
    assertEquals(List.of("2030-03-12T10:00:00Z 0.91", "2030-03-12T16:00:00Z 0.76", "2030-03-12T16:30:00Z 0.76"),
        shown(find(List.of(plain), 30, "2030-03-12", "2030-03-12"), "UTC"));
    Attendee buffered = new Attendee("u@example.com", prefs(new JsonObject().put("buffer_minutes", 15)), busy, List.of());
    assertEquals(List.of("2030-03-12T16:15:00Z 0.76"), shown(find(List.of(buffered), 30, "2030-03-12", "2030-03-12"), "UTC"));
  }

  @Test
  void focusBlocksAreWeeklyBusyTime() {
    Preferences focused = prefs(new JsonObject().put("focus_blocks", new JsonArray().add(new JsonObject()
        .put("day", "tuesday").put("start", "09:00").put("end", "16:30").put("reason", "deep work"))));
    assertEquals(List.of("2030-03-12T16:30:00Z 0.76"),
        shown(find(List.of(person("u@example.com", focused)), 30, "2030-03-12", "2030-03-12"), "UTC"));
  }

  @Test
  void aDayWithItsCapOfMeetingsOffersNothing() {
    List<Instant> two = List.of(Instant.parse("2030-03-12T07:00:00Z"), Instant.parse("2030-03-12T19:00:00Z"));
    Attendee capped = new Attendee("u@example.com", prefs(new JsonObject().put("max_meetings_per_day", 2)), List.of(), two);
    Result r = find(List.of(capped), 30, "2030-03-12", "2030-03-13");
    assertEquals(List.of("2030-03-13T10:00:00Z", "2030-03-13T10:30:00Z", "2030-03-13T09:00:00Z", "2030-03-13T09:30:00Z",
        "2030-03-13T11:00:00Z"), starts(r, "UTC"));
    Attendee roomy = new Attendee("u@example.com", prefs(new JsonObject().put("max_meetings_per_day", 3)), List.of(), two);
    assertEquals("2030-03-12T10:00:00Z", starts(find(List.of(roomy), 30, "2030-03-12", "2030-03-13"), "UTC").get(0));
  }

  @Test
  void theWorstOffAttendeeDecidesAndEnergyIsExplained() {
    Attendee morning = person("m@example.com", prefs(new JsonObject().put("energy_pattern", "morning_person")));
    Attendee evening = person("e@example.com", prefs(new JsonObject().put("energy_pattern", "evening_person")));
    Result alone = find(List.of(morning), 30, "2030-03-12", "2030-03-12");
    assertEquals("2030-03-12T10:00:00Z 1.00", shown(alone, "UTC").get(0));
    assertEquals("Mid-morning for everyone; inside 8am-6pm for everyone; suits the energy pattern of everyone",
        alone.slots().get(0).reason());
    Result both = find(List.of(morning, evening), 30, "2030-03-15", "2030-03-15");
    // Friday: the evening person is against their pattern before 17:00, the afternoon is Friday afternoon for both.
    assertEquals("2030-03-15T10:00:00Z 0.82", shown(both, "UTC").get(0));
    assertEquals("Mid-morning for everyone; inside 8am-6pm for everyone; suits the energy pattern of m@example.com;"
        + " against the energy pattern of e@example.com", both.slots().get(0).reason());
  }

  @Test
  void slotsWithinThreeDaysRankHigherAndNoticeIsKept() {
    Instant now = Instant.parse("2030-03-12T08:50:00Z");
    Result r = find(List.of(person("u@example.com", zone("UTC"))), 30, "2030-03-12", "2030-03-12", now);
    assertEquals(List.of("2030-03-12T10:00:00Z 1.00", "2030-03-12T10:30:00Z 1.00", "2030-03-12T11:00:00Z 0.83",
        "2030-03-12T11:30:00Z 0.83", "2030-03-12T13:00:00Z 0.83"), shown(r, "UTC"));
    assertEquals("Mid-morning for everyone; inside 8am-6pm for everyone; within 3 days", r.slots().get(0).reason());
    assertEquals(0, new java.math.BigDecimal("1.32").compareTo(r.slots().get(0).raw()));
  }

  @Test
  void reschedulingAvoidsTheCurrentTime() {
    ZoneId utc = ZoneId.of("UTC");
    SearchWindow w = SearchWindow.resolve(Bound.of(LocalDate.parse("2030-03-12")), Bound.of(LocalDate.parse("2030-03-12")),
        utc, BEFORE_2030, 14);
    Interval current = new Interval(Instant.parse("2030-03-12T10:00:00Z"), Instant.parse("2030-03-12T10:30:00Z"));
    Result r = SlotFinder.find(new Search(List.of(person("u@example.com", zone("UTC"))), 30, w, BEFORE_2030, BEFORE_2030,
        false, current));
    assertEquals(List.of("2030-03-12T10:30:00Z", "2030-03-12T09:00:00Z", "2030-03-12T09:30:00Z", "2030-03-12T11:00:00Z",
        "2030-03-12T11:30:00Z"), starts(r, "UTC"));
  }

  @Test
  void windowRules() {
    ZoneId utc = ZoneId.of("UTC");
    assertThrows(SearchWindow.Invalid.class, () -> SearchWindow.resolve(Bound.of(LocalDate.parse("2030-03-12")),
        Bound.of(LocalDate.parse("2030-03-11")), utc, BEFORE_2030, 14));
    assertEquals(90, SearchWindow.resolve(Bound.of(LocalDate.parse("2030-01-01")), Bound.of(LocalDate.parse("2030-03-31")),
        utc, BEFORE_2030, 14).days());
    assertThrows(SearchWindow.Invalid.class, () -> SearchWindow.resolve(Bound.of(LocalDate.parse("2030-01-01")),
        Bound.of(LocalDate.parse("2030-04-01")), utc, BEFORE_2030, 14));
    SearchWindow byDefault = SearchWindow.resolve(null, null, ZoneId.of("Asia/Tokyo"), Instant.parse("2030-03-12T20:00:00Z"), 7);
    assertEquals(Instant.parse("2030-03-12T15:00:00Z"), byDefault.start(), "today in Tokyo is the 13th");
    assertEquals(Instant.parse("2030-03-19T15:00:00Z"), byDefault.end());
    assertEquals(7, byDefault.days());
  }

  /** A long window and many busy intervals: the walk stays linear (a quadratic one would take minutes here). */
  @Test
  void ninetyDaysOfTenAttendeesWithThousandsOfBusyIntervals() {
    List<Attendee> many = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      List<Interval> busy = new ArrayList<>();
      Instant t = Instant.parse("2030-01-01T00:00:00Z").plusSeconds(i * 600L);
      for (int k = 0; k < 5_000; k++) {
        busy.add(new Interval(t, t.plusSeconds(900)));
        t = t.plusSeconds(3 * 3600 + 1800);
      }
      Collections.shuffle(busy, new java.util.Random(i));
      many.add(new Attendee("p" + i + "@example.com", zone("UTC"), busy, List.of()));
    }
    Result r = find(many, 15, "2030-01-01", "2030-03-31");
    assertEquals(SlotFinder.MAX_SLOTS, r.slots().size());
  }
}
