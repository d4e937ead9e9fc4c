package io.convene.http.platform;

import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.scheduling.Preferences;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.ZoneId;
import java.util.List;

/**
 * A preferences update checked and merged into what is stored (contracts-scheduling.md §A1): top-level
 * fields merge, {@code work_hours} per day and per field, {@code focus_blocks} replaces the list, and
 * {@code null} resets a field to its default. Unknown top-level fields are ignored.
 */
public final class PreferencesInput {
  static final int MAX_CONTEXT = 2000;
  static final int MAX_FOCUS_BLOCKS = 20;
  static final int MAX_REASON = 200;
  private static final List<Integer> BUFFERS = List.of(0, 15, 30);

  private PreferencesInput() {
  }

  /** The new stored fields; {@code connectionZone} only serves the check of the merged working days. */
  static JsonObject merge(JsonObject stored, JsonObject update, String connectionZone) {
    JsonObject next = stored == null ? new JsonObject() : stored.copy();
    for (String field : update.fieldNames()) {
      Object value = update.getValue(field);
      switch (field) {
        case "work_hours" -> mergeWorkHours(next, value);
        case "timezone" -> set(next, field, value == null ? null : timezone(value, field));
        case "buffer_minutes" -> set(next, field, value == null ? null : oneOf(value, field, BUFFERS));
        case "availability_window_days" -> set(next, field, value == null ? null : wholeNumber(value, field, 7, 90));
        case "max_meetings_per_day" -> set(next, field, value == null ? null : wholeNumber(value, field, 1, 10));
        case "energy_pattern" -> set(next, field, value == null ? null : energy(value, field));
        case "scheduling_context" -> set(next, field, Fields.string(value, field, MAX_CONTEXT));
        case "focus_blocks" -> set(next, field, value == null ? null : focusBlocks(value, field));
        default -> {
          // not a preference: ignored
        }
      }
    }
    JsonObject days = Preferences.effectiveJson(next, connectionZone).getJsonObject("work_hours");
    for (String day : days.fieldNames()) {
      JsonObject d = days.getJsonObject(day);
      if (Preferences.minutes(d.getString("start")) >= Preferences.minutes(d.getString("end"))) {
        String f = "work_hours." + day + ".end";
        throw ApiException.invalidField(f, f + " must be after work_hours." + day + ".start");
      }
    }
    return next;
  }

  private static void set(JsonObject stored, String field, Object value) {
    if (value == null) {
      stored.remove(field);
    } else {
      stored.put(field, value);
    }
  }

  private static void mergeWorkHours(JsonObject stored, Object value) {
    if (value == null) {
      stored.remove("work_hours");
      return;
    }
    JsonObject given = Fields.object(value, "work_hours");
    JsonObject days = stored.getJsonObject("work_hours", new JsonObject()).copy();
    for (String name : given.fieldNames()) {
      String path = "work_hours." + name;
      if (Preferences.day(name) == null) {
        throw ApiException.invalidField(path, path + " is not a day: use monday to sunday");
      }
      Object dayValue = given.getValue(name);
      if (dayValue == null) {
        days.remove(name);
        continue;
      }
      JsonObject day = Fields.object(dayValue, path);
      JsonObject kept = days.getJsonObject(name, new JsonObject()).copy();
      for (String member : List.of("enabled", "start", "end")) {
        if (!day.containsKey(member)) {
          continue;
        }
        Object v = day.getValue(member);
        String memberPath = path + "." + member;
        set(kept, member, v == null ? null : member.equals("enabled") ? Fields.bool(v, memberPath) : time(v, memberPath));
      }
      if (kept.isEmpty()) {
        days.remove(name);
      } else {
        days.put(name, kept);
      }
    }
    set(stored, "work_hours", days.isEmpty() ? null : days);
  }

  private static JsonArray focusBlocks(Object value, String field) {
    if (!(value instanceof JsonArray blocks)) {
      throw ApiException.invalidField(field, field + " must be a list");
    }
    if (blocks.size() > MAX_FOCUS_BLOCKS) {
      throw ApiException.invalidField(field, field + " may hold at most " + MAX_FOCUS_BLOCKS + " blocks");
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < blocks.size(); i++) {
      String path = Fields.item(field, i);
      JsonObject block = Fields.object(Fields.required(blocks.getValue(i), path), path);
      Object day = Fields.required(block.getValue("day"), path + ".day");
      if (!(day instanceof String name) || Preferences.day(name) == null) {
        throw ApiException.invalidField(path + ".day", path + ".day must be monday to sunday");
      }
      String start = time(Fields.required(block.getValue("start"), path + ".start"), path + ".start");
      String end = time(Fields.required(block.getValue("end"), path + ".end"), path + ".end");
      if (Preferences.minutes(start) >= Preferences.minutes(end)) {
        throw ApiException.invalidField(path + ".end", path + ".end must be after " + path + ".start");
      }
      JsonObject item = new JsonObject().put("day", day).put("start", start).put("end", end);
      String reason = Fields.string(block.getValue("reason"), path + ".reason", MAX_REASON);
      out.add(item.put("reason", reason));
    }
    return out;
  }

  private static String time(Object value, String field) {
    if (!(value instanceof String text) || Preferences.minutes(text) < 0) {
      throw ApiException.invalidField(field, field + " must be a time HH:MM, 00:00 to 24:00");
    }
    return text;
  }

  /** An IANA zone id of the JDK's tzdb; bare offsets are not zones. */
  public static String timezone(Object value, String field) {
    if (!(value instanceof String id) || !ZoneId.getAvailableZoneIds().contains(id)) {
      throw ApiException.badRequest("invalid_timezone", field + " must be an IANA time zone such as Europe/Paris",
          field);
    }
    return id;
  }

  private static int wholeNumber(Object value, String field, int min, int max) {
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      throw ApiException.invalidField(field, field + " must be a whole number from " + min + " to " + max);
    }
    return ((Number) value).intValue();
  }

  private static int oneOf(Object value, String field, List<Integer> allowed) {
    if (!(value instanceof Integer || value instanceof Long) || !allowed.contains(((Number) value).intValue())
        || ((Number) value).longValue() != ((Number) value).intValue()) {
      throw ApiException.invalidField(field, field + " must be one of " + allowed);
    }
    return ((Number) value).intValue();
  }

  private static String energy(Object value, String field) {
    if (!(value instanceof String name) || !Preferences.ENERGY_PATTERNS.contains(name)) {
      throw ApiException.invalidField(field, field + " must be one of " + String.join(", ", Preferences.ENERGY_PATTERNS));
    }
    return name;
  }
}
