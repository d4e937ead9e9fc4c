package io.convene.scheduling;

import io.convene.scheduling.Preferences.FocusBlock;
import io.convene.scheduling.Preferences.WorkDay;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The slot algorithm of contracts-scheduling.md §A5: deterministic, no AI. Candidates are walked once
 * in time order; each attendee keeps a pointer into their sorted busy intervals and the bounds of the
 * local day the walk is in, so the work is linear in candidates (days × candidates per day) plus busy
 * intervals, and only the survivors are sorted. Times of day follow the JDK's tzdb, DST included.
 */
public final class SlotFinder {
  public static final int MAX_SLOTS = 5;
  private static final int FIRST_PASS_PER_DAY = 2;
  private static final long STEP_SECONDS = 15 * 60;
  private static final Duration RECENT = Duration.ofHours(72);
  private static final BigDecimal AWKWARD = new BigDecimal("0.5");
  private static final BigDecimal MID_MORNING = new BigDecimal("1.2");
  private static final BigDecimal FRIDAY_AFTERNOON = new BigDecimal("0.7");
  private static final BigDecimal LUNCH = new BigDecimal("0.8");
  private static final BigDecimal ENERGY_MATCH = new BigDecimal("1.1");
  private static final BigDecimal ENERGY_MISMATCH = new BigDecimal("0.9");
  private static final BigDecimal SOON = new BigDecimal("1.1");
  private static final BigDecimal SOON_URGENT = new BigDecimal("1.3");
  /** Mid-morning × matching energy: a slot ideal for everyone scores 1.00. */
  private static final BigDecimal IDEAL = new BigDecimal("1.32");

  /** {@code [start, end)}. */
  public record Interval(Instant start, Instant end) {
    boolean overlaps(Instant s, Instant e) {
      return s.isBefore(end) && e.isAfter(start);
    }
  }

  /**
   * One attendee: their effective preferences, their busy intervals (Convene meetings and Google busy,
   * without buffers; focus blocks are added here) and the starts of their Convene meetings (the per-day cap).
   */
  public record Attendee(String email, Preferences preferences, List<Interval> busy, List<Instant> meetingStarts) {
  }

  /**
   * @param earliest no slot starts before it (now + the minimum notice)
   * @param avoid    when rescheduling, the meeting's current time: no slot overlaps it; else {@code null}
   */
  public record Search(List<Attendee> attendees, int durationMinutes, SearchWindow window, Instant now,
                       Instant earliest, boolean urgent, Interval avoid) {
  }

  /** @param raw the exact score before normalisation; {@code score} is what the API shows */
  public record Slot(Instant start, Instant end, BigDecimal raw, BigDecimal score, String reason) {
  }

  /** @param free how many candidates passed every constraint */
  public record Result(List<Slot> slots, int free) {
  }

  private SlotFinder() {
  }

  public static Result find(Search search) {
    Duration length = Duration.ofMinutes(search.durationMinutes());
    List<Person> people = new ArrayList<>(search.attendees().size());
    for (Attendee a : search.attendees()) {
      people.add(new Person(a, search.window()));
    }
    Instant soon = search.now().plus(RECENT);
    BigDecimal soonFactor = search.urgent() ? SOON_URGENT : SOON;
    List<Slot> free = new ArrayList<>();
    Instant from = search.window().start().isAfter(search.earliest()) ? search.window().start() : search.earliest();
    for (Instant s = gridAtOrAfter(from); !s.plus(length).isAfter(search.window().end()); s = s.plusSeconds(STEP_SECONDS)) {
      Instant e = s.plus(length);
      if (search.avoid() != null && search.avoid().overlaps(s, e)) {
        continue;
      }
      Slot slot = evaluate(people, s, e, s.isBefore(soon) ? soonFactor : null);
      if (slot != null) {
        free.add(slot);
      }
    }
    return new Result(pick(free, search.window().zone()), free.size());
  }

  /** The slot when every attendee can take {@code [s, e)}, else {@code null}. */
  private static Slot evaluate(List<Person> people, Instant s, Instant e, BigDecimal recency) {
    BigDecimal raw = null;
    for (Person p : people) {
      if (!p.available(s, e)) {
        return null;
      }
    }
    Reasons reasons = new Reasons(people.size());
    for (int i = 0; i < people.size(); i++) {
      BigDecimal product = people.get(i).score(s, e, reasons, i);
      raw = raw == null || product.compareTo(raw) < 0 ? product : raw;
    }
    if (recency != null) {
      raw = raw.multiply(recency);
      reasons.soon = true;
    }
    BigDecimal score = raw.divide(IDEAL, 2, RoundingMode.HALF_UP).min(BigDecimal.ONE.setScale(2));
    return new Slot(s, e, raw, score, reasons.text(people));
  }

  /**
   * Best raw score first, then earliest. Pass 1 takes a candidate unless it overlaps one taken or its date
   * (reference zone) already has two; pass 2 takes any left that overlaps none taken; at most five.
   */
  private static List<Slot> pick(List<Slot> free, ZoneId zone) {
    List<Slot> order = new ArrayList<>(free);
    order.sort(Comparator.comparing(Slot::raw).reversed().thenComparing(Slot::start));
    List<Slot> taken = new ArrayList<>(MAX_SLOTS);
    Map<LocalDate, Integer> perDay = new HashMap<>();
    for (Slot c : order) {
      if (taken.size() == MAX_SLOTS) {
        break;
      }
      LocalDate date = LocalDate.ofInstant(c.start(), zone);
      if (perDay.getOrDefault(date, 0) < FIRST_PASS_PER_DAY && overlapsNone(taken, c)) {
        taken.add(c);
        perDay.merge(date, 1, Integer::sum);
      }
    }
    for (Slot c : order) {
      if (taken.size() == MAX_SLOTS) {
        break;
      }
      if (!taken.contains(c) && overlapsNone(taken, c)) {
        taken.add(c);
      }
    }
    List<Slot> out = new ArrayList<>(taken);
    out.sort(Comparator.comparingInt(order::indexOf));
    return out;
  }

  private static boolean overlapsNone(List<Slot> taken, Slot c) {
    for (Slot t : taken) {
      if (c.start().isBefore(t.end()) && c.end().isAfter(t.start())) {
        return false;
      }
    }
    return true;
  }

  /** The first instant at or after {@code t} whose epoch minute is divisible by 15. */
  static Instant gridAtOrAfter(Instant t) {
    long seconds = t.getEpochSecond() + (t.getNano() > 0 ? 1 : 0);
    long rest = Math.floorMod(seconds, STEP_SECONDS);
    return Instant.ofEpochSecond(rest == 0 ? seconds : seconds + STEP_SECONDS - rest);
  }

  /** Which factors applied to whom, for the {@code reason} text. */
  private static final class Reasons {
    final boolean[] midMorning;
    final boolean[] awkward;
    final boolean[] lunch;
    final boolean[] friday;
    final boolean[] suits;
    final boolean[] against;
    boolean soon;

    Reasons(int n) {
      midMorning = new boolean[n];
      awkward = new boolean[n];
      lunch = new boolean[n];
      friday = new boolean[n];
      suits = new boolean[n];
      against = new boolean[n];
    }

    String text(List<Person> people) {
      List<String> parts = new ArrayList<>();
      phrase(parts, "mid-morning for ", midMorning, people);
      if (who(awkward, people) == null) {
        parts.add("inside 8am-6pm for everyone");
      } else {
        phrase(parts, "outside 8am-6pm for ", awkward, people);
      }
      phrase(parts, "over lunch for ", lunch, people);
      phrase(parts, "Friday afternoon for ", friday, people);
      phrase(parts, "suits the energy pattern of ", suits, people);
      phrase(parts, "against the energy pattern of ", against, people);
      if (soon) {
        parts.add("within 3 days");
      }
      String text = String.join("; ", parts);
      return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private static void phrase(List<String> parts, String prefix, boolean[] flags, List<Person> people) {
      String who = who(flags, people);
      if (who != null) {
        parts.add(prefix + who);
      }
    }

    /** {@code everyone}, the emails in request order, or {@code null} for no one. */
    private static String who(boolean[] flags, List<Person> people) {
      List<String> emails = new ArrayList<>();
      for (int i = 0; i < flags.length; i++) {
        if (flags[i]) {
          emails.add(people.get(i).email);
        }
      }
      return emails.isEmpty() ? null : emails.size() == flags.length ? "everyone" : String.join(", ", emails);
    }
  }

  /** One attendee during the walk: their day's bounds, their busy pointer, their meetings per day. */
  private static final class Person {
    private static final int EIGHT = 8 * 60;
    private static final int TEN = 10 * 60;
    private static final int ELEVEN = 11 * 60;
    private static final int NOON = 12 * 60;
    private static final int ONE_PM = 13 * 60;
    private static final int TWO_PM = 14 * 60;
    private static final int FIVE_PM = 17 * 60;
    private static final int SIX_PM = 18 * 60;

    final String email;
    final Preferences prefs;
    final ZoneId zone;
    final List<Interval> busy;
    final Map<LocalDate, Integer> meetingsPerDay = new HashMap<>();
    int next;
    LocalDate day;
    Instant workStart;
    Instant workEnd;
    Instant lunchStart;
    Instant lunchEnd;
    Instant sixPm;
    boolean open;

    Person(Attendee a, SearchWindow window) {
      email = a.email();
      prefs = a.preferences();
      zone = prefs.zone();
      for (Instant start : a.meetingStarts()) {
        meetingsPerDay.merge(LocalDate.ofInstant(start, zone), 1, Integer::sum);
      }
      List<Interval> all = new ArrayList<>(a.busy());
      LocalDate last = LocalDate.ofInstant(window.end(), zone).plusDays(1);
      for (LocalDate d = LocalDate.ofInstant(window.start(), zone).minusDays(1); !d.isAfter(last); d = d.plusDays(1)) {
        for (FocusBlock b : prefs.focusBlocks()) {
          if (b.day() == d.getDayOfWeek()) {
            all.add(new Interval(SearchWindow.at(d, b.start(), zone), SearchWindow.at(d, b.end(), zone)));
          }
        }
      }
      busy = widenedAndMerged(all, Duration.ofMinutes(prefs.bufferMinutes()));
    }

    /** Each interval widened by the buffer on both sides, sorted, overlaps merged. */
    private static List<Interval> widenedAndMerged(List<Interval> intervals, Duration buffer) {
      List<Interval> sorted = new ArrayList<>(intervals.size());
      intervals.forEach(i -> sorted.add(new Interval(i.start().minus(buffer), i.end().plus(buffer))));
      sorted.sort(Comparator.comparing(Interval::start));
      List<Interval> merged = new ArrayList<>(sorted.size());
      for (Interval i : sorted) {
        Interval lastOne = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (lastOne != null && !i.start().isAfter(lastOne.end())) {
          if (i.end().isAfter(lastOne.end())) {
            merged.set(merged.size() - 1, new Interval(lastOne.start(), i.end()));
          }
        } else {
          merged.add(i);
        }
      }
      return merged;
    }

    /** Working hours of the local day of {@code s}, no busy interval, the day's cap not reached. */
    boolean available(Instant s, Instant e) {
      while (next < busy.size() && !busy.get(next).end().isAfter(s)) {
        next++;
      }
      LocalDate d = LocalDate.ofInstant(s, zone);
      if (!d.equals(day)) {
        enter(d);
      }
      if (!open || s.isBefore(workStart) || e.isAfter(workEnd)) {
        return false;
      }
      return next >= busy.size() || !busy.get(next).start().isBefore(e);
    }

    private void enter(LocalDate d) {
      day = d;
      WorkDay hours = prefs.workHours().get(d.getDayOfWeek());
      open = hours.enabled() && meetingsPerDay.getOrDefault(d, 0) < prefs.maxMeetingsPerDay();
      workStart = SearchWindow.at(d, hours.start(), zone);
      workEnd = SearchWindow.at(d, hours.end(), zone);
      lunchStart = SearchWindow.at(d, NOON, zone);
      lunchEnd = SearchWindow.at(d, ONE_PM, zone);
      sixPm = SearchWindow.at(d, SIX_PM, zone);
    }

    /** The product of this attendee's factors; {@link #available} ran for {@code s} just before. */
    BigDecimal score(Instant s, Instant e, Reasons reasons, int i) {
      // Whole minutes suffice: every bound below is a whole minute, so the floor compares the same.
      LocalTime local = ZonedDateTime.ofInstant(s, zone).toLocalTime();
      int ls = local.getHour() * 60 + local.getMinute();
      BigDecimal product = BigDecimal.ONE;
      if (ls < EIGHT || e.isAfter(sixPm)) {
        product = product.multiply(AWKWARD);
        reasons.awkward[i] = true;
      }
      if (ls >= TEN && ls < ELEVEN) {
        product = product.multiply(MID_MORNING);
        reasons.midMorning[i] = true;
      }
      if (day.getDayOfWeek() == DayOfWeek.FRIDAY && ls >= TWO_PM) {
        product = product.multiply(FRIDAY_AFTERNOON);
        reasons.friday[i] = true;
      }
      if (s.isBefore(lunchEnd) && e.isAfter(lunchStart)) {
        product = product.multiply(LUNCH);
        reasons.lunch[i] = true;
      }
      Boolean energy = switch (prefs.energyPattern()) {
        case Preferences.MORNING -> ls < NOON;
        case Preferences.AFTERNOON -> ls >= NOON && ls < FIVE_PM;
        case Preferences.EVENING -> ls >= FIVE_PM;
        default -> null;
      };
      if (energy != null) {
        product = product.multiply(energy ? ENERGY_MATCH : ENERGY_MISMATCH);
        (energy ? reasons.suits : reasons.against)[i] = true;
      }
      return product;
    }
  }
}
