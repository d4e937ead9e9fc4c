package io.convene.input;

import io.convene.errors.ApiException;
import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads typed fields out of request JSON and query strings, refusing bad input with a 400 that
 * names the field. Unknown fields are never looked at, so they are ignored. The methods that take a
 * bare value serve nested input: the caller names it by its path, {@code hosts[0].mobile.verified}
 * (see {@link #member} and {@link #item}).
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

  /** The path of a member of an object named {@code parent}. */
  public static String member(String parent, String key) {
    return parent + "." + key;
  }

  /** The path of the {@code index}th item of a list named {@code list}. */
  public static String item(String list, int index) {
    return list + "[" + index + "]";
  }

  /** The value itself; absent or JSON null is refused as "is required". */
  public static Object required(Object value, String field) {
    if (value == null) {
      throw ApiException.invalidField(field, field + " is required");
    }
    return value;
  }

  public static String requiredString(JsonObject json, String field, int maxLength) {
    return nonEmptyString(json.getValue(field), field, maxLength);
  }

  public static String nonEmptyString(Object value, String field, int maxLength) {
    String text = string(value, field, maxLength);
    if (text == null || text.isBlank()) {
      throw ApiException.invalidField(field, field + " is required and must be a non-empty string");
    }
    return text;
  }

  /** {@code null} when absent or JSON null. */
  public static String optionalString(JsonObject json, String field, int maxLength) {
    return string(json.getValue(field), field, maxLength);
  }

  /** A string of at most {@code maxLength} characters without control characters but tab and line breaks; {@code null} stays null. */
  public static String string(Object value, String field, int maxLength) {
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
    requireValidUnicode(text, field);
    return text;
  }

  /**
   * JSON's {@code \\uD800} escapes can spell half a surrogate pair, which no UTF-8 can store: PostgreSQL
   * would get a '?' in its place.
   */
  public static void requireValidUnicode(String text, String field) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw ApiException.invalidField(field, field + " is not valid Unicode (a lone surrogate)");
      }
    }
  }

  public static boolean optionalBoolean(JsonObject json, String field, boolean defaultValue) {
    Boolean value = bool(json.getValue(field), field);
    return value == null ? defaultValue : value;
  }

  /** {@code null} stays null. */
  public static Boolean bool(Object value, String field) {
    if (value != null && !(value instanceof Boolean)) {
      throw ApiException.invalidField(field, field + " must be true or false");
    }
    return (Boolean) value;
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
    return dateTime(required(json.getValue(field), field), field);
  }

  /** An RFC 3339 date-time as {@link #requiredTime} reads it; {@code null} stays null. */
  public static OffsetDateTime dateTime(Object value, String field) {
    if (value == null) {
      return null;
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
    Object value = required(json.getValue(field), field);
    if (!(value instanceof JsonArray array)) {
      throw ApiException.invalidField(field, field + " must be a list");
    }
    return array;
  }

  public static JsonObject optionalObject(JsonObject json, String field) {
    return object(json.getValue(field), field);
  }

  /** {@code null} stays null. */
  public static JsonObject object(Object value, String field) {
    if (value != null && !(value instanceof JsonObject)) {
      throw ApiException.invalidField(field, field + " must be an object");
    }
    return (JsonObject) value;
  }

  /** People on one list, at most {@code max}. */
  public static void requireAtMost(int people, String field, int max) {
    if (people > max) {
      throw ApiException.invalidField(field, field + " must list at most " + max + " people");
    }
  }

  /**
   * Refuses a list that names one address twice (compared case-insensitively); the error names the
   * repeat by its path, {@code list[i].member}.
   */
  public static void requireDistinctEmails(List<String> emails, String list, String member) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < emails.size(); i++) {
      Integer first = seen.putIfAbsent(emails.get(i).toLowerCase(Locale.ROOT), i);
      if (first != null) {
        String field = member(item(list, i), member);
        throw new ApiException(400, "duplicate_email",
            field + " repeats " + member(item(list, first), member), field);
      }
    }
  }

  public static String email(Object value, String field) {
    if (!(value instanceof String text)) {
      throw ApiException.invalidField(field, field + " must be an email address string");
    }
    requireValidUnicode(text, field);
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
    requireAtMost(unique.size(), field, max);
    return new ArrayList<>(unique.values());
  }

  /** A query parameter as a whole number in range ({@code max} may be Integer.MAX_VALUE: no upper bound), or the default when absent. */
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
    throw ApiException.invalidField(field, field + " must be a whole number"
        + (max == Integer.MAX_VALUE ? ", " + min + " or more" : " from " + min + " to " + max));
  }
}
