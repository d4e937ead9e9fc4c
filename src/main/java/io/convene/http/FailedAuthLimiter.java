package io.convene.http;

import io.convene.errors.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Slows down credential guessing: every 401 answer takes a token from its client address's bucket;
 * once the bucket is empty, that address gets 429 (with {@code Retry-After}) before any credential
 * is looked at, until it refills. Mounted in front of every authenticated route.
 */
public final class FailedAuthLimiter implements Handler<RoutingContext> {
  private final TokenBuckets buckets;

  public FailedAuthLimiter(int failuresPerMinute, boolean clusterScope) {
    this.buckets = new TokenBuckets(failuresPerMinute, clusterScope);
  }

  public TokenBuckets buckets() {
    return buckets;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
    TokenBuckets.Level level = buckets.peek(address);
    if (!level.allowed()) {
      ctx.response().putHeader("Retry-After", String.valueOf(level.retryAfterSeconds()));
      ctx.fail(new ApiException(429, "too_many_failed_attempts", "too many failed authentication attempts from this"
          + " address; retry after " + level.retryAfterSeconds() + " s", null));
      return;
    }
    ctx.addHeadersEndHandler(v -> {
      if (ctx.response().getStatusCode() == 401) {
        buckets.take(address);
      }
    });
    ctx.next();
  }
}
