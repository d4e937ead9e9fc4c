package io.convene.http;

import io.convene.errors.ApiException;
import io.convene.tenant.Tenant;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * A token bucket per credential: every answer carries Syncline's {@code X-RateLimit-*} headers;
 * an empty bucket answers 429 with {@code Retry-After}.
 */
public final class RateLimiter implements Handler<RoutingContext> {
  private final TokenBuckets buckets;
  private final Function<RoutingContext, String> keyOf;

  public RateLimiter(int perMinute, boolean clusterScope) {
    this(new TokenBuckets(perMinute, clusterScope), ctx -> Tenant.of(ctx).credentialId());
  }

  private RateLimiter(TokenBuckets buckets, Function<RoutingContext, String> keyOf) {
    this.buckets = buckets;
    this.keyOf = keyOf;
  }

  /** A bucket per client address, for routes without a credential (the public surface); this node's count. */
  public static RateLimiter perAddress(int perMinute) {
    return new RateLimiter(new TokenBuckets(perMinute, false), RateLimiter::address);
  }

  public static String address(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
  }

  public TokenBuckets buckets() {
    return buckets;
  }

  @Override
  public void handle(RoutingContext ctx) {
    TokenBuckets.Level level = buckets.take(keyOf.apply(ctx));
    ctx.response()
        .putHeader("X-RateLimit-Limit", String.valueOf(buckets.perMinute()))
        .putHeader("X-RateLimit-Remaining", String.valueOf(level.remaining()))
        .putHeader("X-RateLimit-Reset", String.valueOf(System.currentTimeMillis() / 1000 + level.secondsToFull()));
    if (!level.allowed()) {
      ctx.response().putHeader("Retry-After", String.valueOf(level.retryAfterSeconds()));
      ctx.fail(new ApiException(429, "rate_limited", "rate limit of " + buckets.perMinute()
          + " requests per minute exceeded; retry after " + level.retryAfterSeconds() + " s", null));
      return;
    }
    ctx.next();
  }
}
