package io.convene.http;

import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads typed fields out of request JSON and query strings, refusing bad input with a 400 that
 * names the field. Unknown fields are never looked at, so they are ignored.
 */
public final class Fields {
  /** A practical address check: one @, a dotted domain, no spaces, controls or specials; Unicode allowed. */
  private static final Pattern EMAIL =
      Pattern.compile("[^\\s\\p{Cntrl}@<>()\\[\\],;:\"\\\\]+@[^\\s\\p{Cntrl}@<>()\\[\\],;:\"\\\\.]+(\\.[^\\s\\p{Cntrl}@<>()\\[\\],;:\"\\\\.]+)+");
  private static final int MAX_EMAIL_LENGTH = 254;
  private static final int MIN_YEAR = 1970;
  private static final int MAX_YEAR = 9999;

  private Fields() {
  }

  public static String requiredString(JsonObject json, String field, int maxLength) {
    String value = optionalString(json, field, maxLength);
    if (value == null || value.isBlank()) {
      throw ApiException.invalidField(field, field + " is required and must be a non-empty string");
    }
    return value;
  }

  /** {@code null} when absent or JSON null. */
  public static String optionalString(JsonObject json, String field, int maxLength) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw ApiException.invalidField(field, field + " must be a string");
    }
    if (text.length() > maxLength) {
      throw ApiException.invalidField(field, field + " must be at most " + maxLength + " characters");
    }
    if (text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
      throw ApiException.invalidField(field, field + " must not contain control characters");
    }
    return text;
  }

  public static boolean optionalBoolean(JsonObject json, String field, boolean defaultValue) {
    Object value = json.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof Boolean b)) {
      throw ApiException.invalidField(field, field + " must be true or false");
    }
    return b;
  }

  public static int requiredInt(JsonObject json, String field, int min, int max) {
    Object value = json.getValue(field);
    if (value == null) {
      throw ApiException.invalidField(field, field + " is required");
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      throw ApiException.invalidField(field, field + " must be a whole number from " + min + " to " + max);
    }
    return ((Number) value).intValue();
  }

  /** An RFC 3339 date-time with an offset, in years 1970 to 9999, offset kept. */
  public static OffsetDateTime requiredTime(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw ApiException.invalidField(field, field + " is required");
    }
    if (!(value instanceof String text)) {
      throw ApiException.invalidField(field, field + " must be an RFC 3339 date-time string");
    }
    return time(field, text);
  }

  public static OffsetDateTime time(String field, String text) {
    OffsetDateTime time;
    try {
      time = Rfc3339.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "invalid_time_format",
          field + " is not RFC 3339 with an offset (e.g. 2025-11-26T15:00:00-08:00)", field);
    }
    requireSupportedYear(field, time);
    return time;
  }

  public static void requireSupportedYear(String field, OffsetDateTime time) {
    int year = time.withOffsetSameInstant(java.time.ZoneOffset.UTC).getYear();
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw ApiException.invalidField(field, field + " must be between the years " + MIN_YEAR + " and " + MAX_YEAR);
    }
  }

  public static void requireAfter(OffsetDateTime start, OffsetDateTime end, String endField, String startField) {
    if (!end.isAfter(start)) {
      throw new ApiException(400, "invalid_time_range", endField + " must be after " + startField, endField);
    }
  }

  public static JsonArray requiredArray(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      throw ApiException.invalidField(field, field + " is required");
    }
    if (!(value instanceof JsonArray array)) {
      throw ApiException.invalidField(field, field + " must be a list");
    }
    return array;
  }

  public static JsonObject optionalObject(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      throw ApiException.invalidField(field, field + " must be an object");
    }
    return object;
  }

  public static String email(Object value, String field) {
    if (!(value instanceof String text)) {
      throw ApiException.invalidField(field, field + " must be an email address string");
    }
    String email = text.strip();
    if (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
      throw new ApiException(400, "invalid_email", field + " is not a valid email address", field);
    }
    return email;
  }

  /**
   * A list of email addresses, 1 to {@code max}; repeats are folded case-insensitively, keeping
   * the first spelling and order.
   */
  public static List<String> emails(JsonArray array, String field, int max) {
    if (array.isEmpty()) {
      throw ApiException.invalidField(field, field + " must list at least one email address");
    }
    Map<String, String> unique = new LinkedHashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String email = email(array.getValue(i), field);
      unique.putIfAbsent(email.toLowerCase(Locale.ROOT), email);
    }
    if (unique.size() > max) {
      throw ApiException.invalidField(field, field + " must list at most " + max + " people");
    }
    return new ArrayList<>(unique.values());
  }

  /** A query parameter as a whole number in range, or the default when absent. */
  public static int queryInt(String value, String field, int min, int max, int defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiException.invalidField(field, field + " must be a whole number from " + min + " to " + max);
  }
}
