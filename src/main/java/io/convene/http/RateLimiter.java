package io.convene.http;

import io.convene.tenant.Tenant;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per credential, shared by every event loop of this process: {@code perMinute}
 * requests of burst, refilled continuously. Every answer carries Syncline's
 * {@code X-RateLimit-*} headers; an empty bucket answers 429 with {@code Retry-After}.
 * Buckets live in memory, so with N instances a credential gets up to N times the limit.
 */
public final class RateLimiter implements Handler<RoutingContext> {
  private final int perMinute;
  private final double tokensPerNano;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(int perMinute) {
    this.perMinute = perMinute;
    this.tokensPerNano = perMinute / 60e9;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Bucket bucket = buckets.computeIfAbsent(Tenant.of(ctx).credentialId(), id -> new Bucket(perMinute));
    long now = System.nanoTime();
    double left;
    boolean allowed;
    synchronized (bucket) {
      bucket.refill(now, perMinute, tokensPerNano);
      allowed = bucket.tokens >= 1;
      if (allowed) {
        bucket.tokens -= 1;
      }
      left = bucket.tokens;
    }
    HttpServerResponse response = ctx.response();
    long nowSeconds = System.currentTimeMillis() / 1000;
    long secondsToFull = (long) Math.ceil((perMinute - left) / (tokensPerNano * 1e9));
    response.putHeader("X-RateLimit-Limit", String.valueOf(perMinute))
        .putHeader("X-RateLimit-Remaining", String.valueOf((long) Math.floor(left)))
        .putHeader("X-RateLimit-Reset", String.valueOf(nowSeconds + secondsToFull));
    if (!allowed) {
      long retryAfter = Math.max(1, (long) Math.ceil((1 - left) / (tokensPerNano * 1e9)));
      response.putHeader("Retry-After", String.valueOf(retryAfter));
      ctx.fail(new ApiException(429, "rate_limited",
          "rate limit of " + perMinute + " requests per minute exceeded; retry after " + retryAfter + " s", null));
      return;
    }
    ctx.next();
  }

  private static final class Bucket {
    double tokens;
    long updatedAt = System.nanoTime();

    Bucket(int capacity) {
      this.tokens = capacity;
    }

    void refill(long now, int capacity, double perNano) {
      tokens = Math.min(capacity, tokens + (now - updatedAt) * perNano);
      updatedAt = now;
    }
  }
}
