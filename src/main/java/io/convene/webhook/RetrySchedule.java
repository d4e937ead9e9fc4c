package io.convene.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed delivery is tried again: the configured waits (default 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h), each ±20 % so that retries of many deliveries spread out; past the list the last wait
 * repeats. A receiver's {@code Retry-After} can make a wait longer, never longer than the schedule's
 * longest.
 */
final class RetrySchedule {
  static final double JITTER = 0.2;

  private final List<Duration> waits;
  private final Duration longest;

  RetrySchedule(List<Duration> waits) {
    if (waits.isEmpty()) {
      throw new IllegalArgumentException("a retry schedule needs at least one wait");
    }
    this.waits = List.copyOf(waits);
    this.longest = waits.stream().max(Duration::compareTo).orElseThrow();
  }

  /**
   * @param retry      1 for the first retry
   * @param retryAfter what the receiver asked for, or {@code null}
   */
  Duration before(int retry, Duration retryAfter) {
    long base = waits.get(Math.min(retry, waits.size()) - 1).toMillis();
    long jittered = Math.round(base * (1 - JITTER + 2 * JITTER * ThreadLocalRandom.current().nextDouble()));
    Duration wait = Duration.ofMillis(Math.max(1, jittered));
    if (retryAfter != null) {
      Duration asked = retryAfter.compareTo(longest) > 0 ? longest : retryAfter;
      return asked.compareTo(wait) > 0 ? asked : wait;
    }
    return wait;
  }

  /** {@code Retry-After} as delay-seconds or an HTTP date (RFC 9110 §10.2.3); {@code null} when absent or unreadable. */
  static Duration retryAfter(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? null : Duration.ofSeconds(seconds);
    } catch (NumberFormatException notSeconds) {
      try {
        Duration d = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        return d.isNegative() ? Duration.ZERO : d;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
