package io.convene.http.booking;

import io.convene.booking.WeeklyTimes;
import io.convene.booking.WeeklyTimes.Interval;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.accounts.AccountsJson;
import io.convene.http.platform.PreferencesInput;
import io.convene.meeting.Person;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import static io.convene.input.Fields.item;
import static io.convene.input.Fields.member;

/** The body of a meeting-event create or update (contracts-scheduling.md §B1), checked field by field. */
final class MeetingEventInput {
  static final int MAX_NAME = 200;
  static final int MAX_SLUG = 64;
  private static final int MAX_DESCRIPTION = 5000;
  private static final int MAX_DURATIONS = 10;
  private static final int MAX_INTERVALS = 10;
  private static final int MAX_HOSTS = 10;
  private static final int MAX_CONNECTION_ID = 200;
  private static final Pattern SLUG = Pattern.compile("^[a-z0-9]+(-[a-z0-9]+)*$");

  /**
   * What the body asks for. {@code slug} is {@code null} when absent; {@code calendarConnectionId} when there is no
   * calendar; {@code availability} when absent (the default applies, in the connection's zone); {@code timezone}
   * is the given zone of a given availability.
   */
  record Body(String name, String slug, String description, List<Integer> durations, String calendarConnectionId,
              boolean allowAdditionalAttendees, Map<DayOfWeek, List<Interval>> times, String timezone,
              List<Person> hosts) {
  }

  private MeetingEventInput() {
  }

  static Body parse(JsonObject json) {
    String name = Fields.requiredString(json, "name", MAX_NAME);
    String slug = json.getValue("slug") == null ? null : slug(json.getValue("slug"));
    String description = Fields.optionalString(json, "description", MAX_DESCRIPTION);
    List<Integer> durations = durations(json.getValue("durations"));
    String connectionId = connectionId(json);
    boolean additional = Fields.optionalBoolean(json, "allowAdditionalAttendees", false);
    Map<DayOfWeek, List<Interval>> times = null;
    String timezone = null;
    JsonObject availability = Fields.optionalObject(json, "availability");
    if (availability != null) {
      if (availability.getValue("timezone") != null) {
        timezone = PreferencesInput.timezone(availability.getValue("timezone"), "availability.timezone");
      }
      times = times(availability.getValue("times"));
    }
    List<Person> hosts = json.getValue("hosts") == null ? List.of() : hosts(json);
    return new Body(name, slug, description, durations, connectionId, additional, times, timezone, hosts);
  }

  /**
   * The Person list of the Accounts API, where a bad or repeated email is {@code invalid_email} or
   * {@code duplicate_email}; the meeting event's table (contracts-scheduling.md §B1) answers every refusal of
   * {@code hosts} with {@code invalid_field}, naming the same field.
   */
  private static List<Person> hosts(JsonObject json) {
    try {
      return AccountsJson.people(json, "hosts", MAX_HOSTS);
    } catch (ApiException e) {
      throw e.asInvalidField();
    }
  }

  /** A given slug, upper case folded. */
  static String slug(Object value) {
    String given = Fields.string(value, "slug", MAX_SLUG);
    String slug = given == null ? "" : given.toLowerCase(Locale.ROOT);
    if (!SLUG.matcher(slug).matches()) {
      throw ApiException.badRequest("invalid_slug", "slug must be 1 to " + MAX_SLUG
          + " lower-case letters, digits and single hyphens between them, such as intro-call", "slug");
    }
    return slug;
  }

  private static List<Integer> durations(Object value) {
    String field = "durations";
    Fields.required(value, field);
    if (!(value instanceof JsonArray list) || list.isEmpty() || list.size() > MAX_DURATIONS) {
      throw ApiException.invalidField(field, field + " must be a list of 1 to " + MAX_DURATIONS + " durations in minutes");
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object d = list.getValue(i);
      if (!(d instanceof Integer || d instanceof Long) || ((Number) d).longValue() < 5 || ((Number) d).longValue() > 480
          || ((Number) d).longValue() % 5 != 0) {
        throw ApiException.invalidField(item(field, i), item(field, i) + " must be a whole number of minutes from 5 to 480,"
            + " a multiple of 5");
      }
      int minutes = ((Number) d).intValue();
      if (out.contains(minutes)) {
        throw ApiException.invalidField(item(field, i), item(field, i) + " repeats " + minutes);
      }
      out.add(minutes);
    }
    return out;
  }

  /** {@code calendar.connection.id}, or {@code null} for no calendar ({@code calendar} or its connection absent or null). */
  private static String connectionId(JsonObject json) {
    JsonObject calendar = Fields.optionalObject(json, "calendar");
    if (calendar == null) {
      return null;
    }
    String path = member("calendar", "connection");
    JsonObject connection = Fields.object(calendar.getValue("connection"), path);
    return connection == null ? null
        : Fields.nonEmptyString(connection.getValue("id"), member(path, "id"), MAX_CONNECTION_ID);
  }

  private static Map<DayOfWeek, List<Interval>> times(Object value) {
    String field = "availability.times";
    if (value == null) {
      throw invalidAvailability(field, field + " is required when availability is given");
    }
    if (!(value instanceof JsonObject days)) {
      throw invalidAvailability(field, field + " must be an object of weekdays (sun to sat)");
    }
    Map<DayOfWeek, List<Interval>> out = new EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      out.put(day, List.of());
    }
    for (String name : days.fieldNames()) {
      String dayField = member(field, name);
      if (!WeeklyTimes.isDay(name)) {
        throw invalidAvailability(dayField, dayField + " is not a weekday: use sun, mon, tue, wed, thu, fri, sat");
      }
      Object given = days.getValue(name);
      if (given == null) {
        continue;
      }
      if (!(given instanceof JsonArray list) || list.size() > MAX_INTERVALS) {
        throw invalidAvailability(dayField, dayField + " must be a list of at most " + MAX_INTERVALS + " intervals");
      }
      List<Interval> intervals = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        String path = item(dayField, i);
        if (!(list.getValue(i) instanceof JsonObject interval)) {
          throw invalidAvailability(path, path + " must be {start: {hour, minute}, end: {hour, minute}}");
        }
        int start = clock(interval.getValue("start"), member(path, "start"), false);
        int end = clock(interval.getValue("end"), member(path, "end"), true);
        if (start >= end) {
          throw invalidAvailability(member(path, "end"), member(path, "end") + " must be after " + member(path, "start"));
        }
        intervals.add(new Interval(start, end));
      }
      intervals.sort(Comparator.comparingInt(Interval::start));
      for (int i = 1; i < intervals.size(); i++) {
        if (intervals.get(i).start() < intervals.get(i - 1).end()) {
          throw invalidAvailability(dayField, dayField + " has overlapping intervals");
        }
      }
      out.put(WeeklyTimes.dayOf(name), List.copyOf(intervals));
    }
    return out;
  }

  /** Minutes since midnight of {@code {hour 0-23, minute 0-59}}; an end may also be {@code {24, 0}}. */
  private static int clock(Object value, String field, boolean end) {
    if (!(value instanceof JsonObject clock) || !(clock.getValue("hour") instanceof Integer hour)
        || !(clock.getValue("minute") instanceof Integer minute) || minute < 0 || minute > 59 || hour < 0
        || hour > 24 || (hour == 24 && (!end || minute != 0))) {
      throw invalidAvailability(field, field + " must be {hour: 0-23, minute: 0-59}" + (end ? " or {hour: 24, minute: 0}" : ""));
    }
    return hour * 60 + minute;
  }

  private static ApiException invalidAvailability(String field, String message) {
    return ApiException.badRequest("invalid_availability", message, field);
  }
}
