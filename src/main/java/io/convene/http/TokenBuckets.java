package io.convene.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets by key, shared by every event loop of this process: {@code perMinute} tokens of
 * burst, refilled continuously. They live in memory: with {@code rate_limit_scope = node}, N
 * instances allow up to N times the rate; with {@code cluster}, {@link ClusterBuckets} reconciles
 * them with the other nodes' through the database (see there for the tolerance).
 */
public final class TokenBuckets {
  /** One look at a bucket: whether a token was there, what is left, and when it refills. */
  public record Level(boolean allowed, long remaining, long retryAfterSeconds, long secondsToFull) {
  }

  private final int perMinute;
  private final double tokensPerSecond;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** Whether consumption is counted for {@link ClusterBuckets} to report (cluster scope). */
  private final boolean shared;

  public TokenBuckets(int perMinute, boolean shared) {
    this.perMinute = perMinute;
    this.shared = shared;
    this.tokensPerSecond = perMinute / 60.0;
  }

  public int perMinute() {
    return perMinute;
  }

  public double tokensPerSecond() {
    return tokensPerSecond;
  }

  /** What one key consumed here since the last {@link #takeConsumed()}. */
  public record Consumed(String key, double tokens) {
  }

  /** The consumption of every key since the last call, set to zero: what a reconciliation reports. */
  public List<Consumed> takeConsumed() {
    List<Consumed> out = new ArrayList<>();
    buckets.forEach((key, bucket) -> {
      synchronized (bucket) {
        if (bucket.consumed > 0) {
          out.add(new Consumed(key, bucket.consumed));
          bucket.consumed = 0;
        }
      }
    });
    return out;
  }

  /** Puts back consumption a failed reconciliation could not report, to be reported next time. */
  public void restoreConsumed(List<Consumed> consumed) {
    for (Consumed c : consumed) {
      Bucket bucket = buckets.computeIfAbsent(c.key(), k -> new Bucket(perMinute));
      synchronized (bucket) {
        bucket.consumed += c.tokens();
      }
    }
  }

  /**
   * Sets a key's bucket to the cluster's level (as of now, including what this node reported), less
   * what this node consumed since it reported: the cluster's view, with nothing counted twice.
   */
  public void adopt(String key, double clusterTokens) {
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(perMinute));
    synchronized (bucket) {
      bucket.tokens = Math.min(perMinute, clusterTokens) - bucket.consumed;
      bucket.updatedAt = System.nanoTime();
    }
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
        return e.getValue().tokens >= perMinute && e.getValue().consumed == 0;
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
        if (shared) {
          bucket.consumed += 1;
        }
      }
      left = bucket.tokens;
    }
    long retryAfter = allowed ? 0 : Math.max(1, (long) Math.ceil((1 - left) / tokensPerSecond));
    return new Level(allowed, Math.max(0, (long) Math.floor(left)), retryAfter, (long) Math.ceil((perMinute - left) / tokensPerSecond));
  }

  private static final class Bucket {
    /** Below zero when the cluster admitted more than the bucket held: owed back before the next token. */
    double tokens;
    /** Taken here since the last reconciliation (cluster scope only reads it). */
    double consumed;
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
