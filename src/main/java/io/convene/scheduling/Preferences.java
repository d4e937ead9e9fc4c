package io.convene.scheduling;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A user's effective scheduling preferences (contracts-scheduling.md §A1): what was stored, laid over
 * the defaults. Times of day are minutes since midnight; {@code 1440} is {@code 24:00}.
 */
public record Preferences(
    Map<DayOfWeek, WorkDay> workHours,
    ZoneId zone,
    int bufferMinutes,
    int windowDays,
    int maxMeetingsPerDay,
    String energyPattern,
    String schedulingContext,
    List<FocusBlock> focusBlocks) {

  public static final String FLEXIBLE = "flexible";
  public static final String MORNING = "morning_person";
  public static final String AFTERNOON = "afternoon_person";
  public static final String EVENING = "evening_person";
  public static final List<String> ENERGY_PATTERNS = List.of(FLEXIBLE, MORNING, AFTERNOON, EVENING);
  public static final String UTC = "UTC";

  /** One weekday's working hours. */
  public record WorkDay(boolean enabled, int start, int end) {
  }

  /** A weekly busy block. */
  public record FocusBlock(DayOfWeek day, int start, int end, String reason) {
  }

  /**
   * The defaults, with the connection's time zone when it has a known one (ours; Syncline documents only
   * the ranges).
   */
  public static JsonObject defaults(String connectionZone) {
    JsonObject days = new JsonObject();
    for (DayOfWeek day : DayOfWeek.values()) {
      days.put(dayName(day), new JsonObject().put("enabled", day.getValue() <= 5).put("start", "09:00").put("end", "17:00"));
    }
    String zone = connectionZone != null && ZoneId.getAvailableZoneIds().contains(connectionZone) ? connectionZone : UTC;
    return new JsonObject()
        .put("work_hours", days)
        .put("timezone", zone)
        .put("buffer_minutes", 0)
        .put("availability_window_days", 14)
        .put("max_meetings_per_day", 10)
        .put("energy_pattern", FLEXIBLE)
        .put("scheduling_context", null)
        .put("focus_blocks", new JsonArray());
  }

  /** The stored fields (already checked) over the defaults: every field, in the documented order. */
  public static JsonObject effectiveJson(JsonObject stored, String connectionZone) {
    JsonObject out = defaults(connectionZone);
    if (stored == null) {
      return out;
    }
    for (String field : stored.fieldNames()) {
      if (field.equals("work_hours")) {
        JsonObject days = out.getJsonObject("work_hours");
        JsonObject given = stored.getJsonObject("work_hours");
        for (String day : given.fieldNames()) {
          days.getJsonObject(day).mergeIn(given.getJsonObject(day));
        }
      } else {
        out.put(field, stored.getValue(field));
      }
    }
    return out;
  }

  /** Reads effective preferences as {@link #effectiveJson} writes them. */
  public static Preferences fromJson(JsonObject json) {
    Map<DayOfWeek, WorkDay> days = new EnumMap<>(DayOfWeek.class);
    JsonObject hours = json.getJsonObject("work_hours");
    for (DayOfWeek day : DayOfWeek.values()) {
      JsonObject d = hours.getJsonObject(dayName(day));
      days.put(day, new WorkDay(d.getBoolean("enabled"), minutes(d.getString("start")), minutes(d.getString("end"))));
    }
    List<FocusBlock> blocks = new ArrayList<>();
    for (Object item : json.getJsonArray("focus_blocks")) {
      JsonObject b = (JsonObject) item;
      blocks.add(new FocusBlock(day(b.getString("day")), minutes(b.getString("start")), minutes(b.getString("end")),
          b.getString("reason")));
    }
    return new Preferences(days, ZoneId.of(json.getString("timezone")), json.getInteger("buffer_minutes"),
        json.getInteger("availability_window_days"), json.getInteger("max_meetings_per_day"),
        json.getString("energy_pattern"), json.getString("scheduling_context"), List.copyOf(blocks));
  }

  public static String dayName(DayOfWeek day) {
    return day.name().toLowerCase(Locale.ROOT);
  }

  /** {@code null} for a name that is not a weekday's. */
  public static DayOfWeek day(String name) {
    for (DayOfWeek day : DayOfWeek.values()) {
      if (dayName(day).equals(name)) {
        return day;
      }
    }
    return null;
  }

  /** {@code HH:MM} (24-hour, or {@code 24:00}) as minutes since midnight; -1 when it is not one. */
  public static int minutes(String text) {
    if (text == null || text.length() != 5 || text.charAt(2) != ':') {
      return -1;
    }
    try {
      int h = Integer.parseInt(text.substring(0, 2));
      int m = Integer.parseInt(text.substring(3));
      if (!Character.isDigit(text.charAt(0)) || !Character.isDigit(text.charAt(3))) {
        return -1;
      }
      if ((h < 24 && m < 60) || (h == 24 && m == 0)) {
        return h * 60 + m;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    return -1;
  }
}
