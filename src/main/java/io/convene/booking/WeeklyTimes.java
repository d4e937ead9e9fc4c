package io.convene.booking;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A meeting event's weekly availability (contracts-scheduling.md §B1): a zone and, per weekday, intervals of
 * local wall time in minutes since midnight ({@code 1440} = 24:00), sorted and not overlapping.
 */
public record WeeklyTimes(ZoneId zone, Map<DayOfWeek, List<Interval>> times) {
  /** Sakari's day names, Sunday first. */
  static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
  private static final int NINE = 9 * 60;
  private static final int FIVE_PM = 17 * 60;

  public record Interval(int start, int end) {
  }

  /** Mon–Fri 09:00–17:00 in {@code zone}: what an event without {@code availability} offers. */
  public static WeeklyTimes standard(ZoneId zone) {
    Map<DayOfWeek, List<Interval>> times = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      times.put(day, day.getValue() <= 5 ? List.of(new Interval(NINE, FIVE_PM)) : List.of());
    }
    return new WeeklyTimes(zone, times);
  }

  public static boolean isDay(String name) {
    return DAYS.contains(name);
  }

  /** The weekday of one of {@link #DAYS}. */
  public static DayOfWeek dayOf(String name) {
    int i = DAYS.indexOf(name);
    return i == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(i);
  }

  /** {@code {"timezone", "times": {"sun": [{"start": {"hour", "minute"}, "end": {...}}], ...}}}, every day present. */
  public JsonObject toJson() {
    JsonObject days = new JsonObject();
    for (String name : DAYS) {
      JsonArray list = new JsonArray();
      for (Interval i : times.getOrDefault(dayOf(name), List.of())) {
        list.add(new JsonObject().put("start", clock(i.start())).put("end", clock(i.end())));
      }
      days.put(name, list);
    }
    return new JsonObject().put("timezone", zone.getId()).put("times", days);
  }

  /** Reads what {@link #toJson} wrote (stored, so already valid). */
  static WeeklyTimes fromJson(JsonObject json) {
    Map<DayOfWeek, List<Interval>> times = new EnumMap<>(DayOfWeek.class);
    JsonObject days = json.getJsonObject("times");
    for (String name : DAYS) {
      List<Interval> list = new ArrayList<>();
      JsonArray given = days.getJsonArray(name, new JsonArray());
      for (int i = 0; i < given.size(); i++) {
        JsonObject interval = given.getJsonObject(i);
        list.add(new Interval(minutes(interval.getJsonObject("start")), minutes(interval.getJsonObject("end"))));
      }
      times.put(dayOf(name), List.copyOf(list));
    }
    return new WeeklyTimes(ZoneId.of(json.getString("timezone")), times);
  }

  private static JsonObject clock(int minutes) {
    return new JsonObject().put("hour", minutes / 60).put("minute", minutes % 60);
  }

  private static int minutes(JsonObject clock) {
    return clock.getInteger("hour") * 60 + clock.getInteger("minute");
  }
}
