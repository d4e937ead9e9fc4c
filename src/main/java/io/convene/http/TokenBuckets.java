package io.convene.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key, shared by every event loop of this process: {@code perMinute} tokens of
 * burst, refilled continuously. They live in memory, so N instances allow up to N times the rate.
 */
public final class TokenBuckets {
  /** One look at a bucket: whether a token was there, what is left, and when it refills. */
  public record Level(boolean allowed, long remaining, long retryAfterSeconds, long secondsToFull) {
  }

  private final int perMinute;
  private final double tokensPerSecond;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public TokenBuckets(int perMinute) {
    this.perMinute = perMinute;
    this.tokensPerSecond = perMinute / 60.0;
  }

  public int perMinute() {
    return perMinute;
  }

  /** Takes a token when there is one. */
  public Level take(String key) {
    return look(key, true);
  }

  /** Looks without taking; a key with no bucket yet is full, and gets none (this runs on every request). */
  public Level peek(String key) {
    return buckets.containsKey(key) ? look(key, false) : new Level(true, perMinute, 0, 0);
  }

  /** Drops buckets that are full again: they hold nothing a fresh bucket would not. */
  public void forgetFull() {
    long now = System.nanoTime();
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        e.getValue().refill(now, perMinute, tokensPerSecond);
        return e.getValue().tokens >= perMinute;
      }
    });
  }

  private Level look(String key, boolean take) {
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perMinute));
    double left;
    boolean allowed;
    synchronized (bucket) {
      bucket.refill(System.nanoTime(), perMinute, tokensPerSecond);
      allowed = bucket.tokens >= 1;
      if (allowed && take) {
        bucket.tokens -= 1;
      }
      left = bucket.tokens;
    }
    long retryAfter = allowed ? 0 : Math.max(1, (long) Math.ceil((1 - left) / tokensPerSecond));
    return new Level(allowed, (long) Math.floor(left), retryAfter, (long) Math.ceil((perMinute - left) / tokensPerSecond));
  }

  private static final class Bucket {
    double tokens;
    long updatedAt = System.nanoTime();

    Bucket(int capacity) {
      this.tokens = capacity;
    }

    void refill(long now, int capacity, double perSecond) {
      tokens = Math.min(capacity, tokens + (now - updatedAt) / 1e9 * perSecond);
      updatedAt = now;
    }
  }
}
