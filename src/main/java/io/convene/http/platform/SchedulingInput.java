package io.convene.http.platform;

import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.scheduling.SearchWindow;
import io.convene.scheduling.SearchWindow.Bound;
import io.convene.scheduling.SlotFinder.Slot;
import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The request fields and answer shapes that availability and auto-scheduling share (contracts-scheduling.md §A6, §A7). */
final class SchedulingInput {
  static final int MAX_ATTENDEES = 10;
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  /** The window's bounds as given, and the field an invalid range is blamed on. */
  record Window(Bound from, Bound to, String field) {
  }

  private SchedulingInput() {
  }

  /** 1 to 10 emails, no repeats (case-insensitive). */
  static List<String> attendees(JsonObject body) {
    Object value = Fields.required(body.getValue("attendees"), "attendees");
    if (!(value instanceof JsonArray array)) {
      throw ApiException.invalidField("attendees", "attendees must be a list of email addresses");
    }
    if (array.isEmpty() || array.size() > MAX_ATTENDEES) {
      throw ApiException.badRequest("invalid_attendees", "attendees must list 1 to " + MAX_ATTENDEES
          + " email addresses", "attendees");
    }
    List<String> emails = new ArrayList<>(array.size());
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String field = Fields.item("attendees", i);
      String email = UserRoutes.address(array.getValue(i), field);
      Integer first = seen.putIfAbsent(email.toLowerCase(Locale.ROOT), i);
      if (first != null) {
        throw ApiException.badRequest("duplicate_email", field + " repeats " + Fields.item("attendees", first), field);
      }
      emails.add(email);
    }
    return emails;
  }

  /** {@code date_range {start_date, end_date}}, else {@code earliest_date} / {@code latest_date} (Syncline's MCP server). */
  static Window window(JsonObject body) {
    JsonObject range = Fields.optionalObject(body, "date_range");
    if (range != null) {
      return new Window(bound(Fields.required(range.getValue("start_date"), "date_range.start_date"), "date_range.start_date"),
          bound(Fields.required(range.getValue("end_date"), "date_range.end_date"), "date_range.end_date"), "date_range");
    }
    return new Window(bound(body.getValue("earliest_date"), "earliest_date"), bound(body.getValue("latest_date"), "latest_date"),
        body.getValue("latest_date") != null ? "latest_date" : "earliest_date");
  }

  /** {@code YYYY-MM-DD} (a date in the reference zone) or an RFC 3339 date-time; {@code null} stays null. */
  static Bound bound(Object value, String field) {
    if (value == null) {
      return null;
    }
    if (value instanceof String text && DATE.matcher(text).matches()) {
      try {
        LocalDate date = LocalDate.parse(text);
        if (date.getYear() >= 1970 && date.getYear() < 9999) {
          return Bound.of(date);
        }
      } catch (DateTimeParseException e) {
        // falls through to the error below
      }
      throw ApiException.invalidField(field, field + " is not a date between the years 1970 and 9998");
    }
    if (value instanceof String text) {
      try {
        return Bound.of(Fields.time(field, text));
      } catch (ApiException e) {
        // falls through to the error below
      }
    }
    throw ApiException.invalidField(field, field + " must be a date YYYY-MM-DD or an RFC 3339 date-time");
  }

  static JsonObject slot(Slot slot, ZoneId zone) {
    return new JsonObject()
        .put("start_time", inZone(slot.start(), zone))
        .put("end_time", inZone(slot.end(), zone))
        .put("score", slot.score())
        .put("timezone", zone.getId())
        .put("reason", slot.reason());
  }

  static JsonObject searchWindow(SearchWindow window) {
    return new JsonObject()
        .put("start", inZone(window.start(), window.zone()))
        .put("end", inZone(window.end(), window.zone()))
        .put("days", window.days());
  }

  static String inZone(Instant instant, ZoneId zone) {
    return Rfc3339.format(instant.atZone(zone).toOffsetDateTime());
  }

  static JsonArray slots(List<Slot> slots, ZoneId zone) {
    JsonArray out = new JsonArray();
    slots.forEach(s -> out.add(slot(s, zone)));
    return out;
  }
}
