package io.convene.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request path that cannot name anything: broken percent-encoding, bytes that are not
 * UTF-8, or control characters (a NUL would otherwise reach PostgreSQL, which rejects it in text).
 */
public final class PathGuard implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    try {
      UrlEncoded.path(ctx.request().path());
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    ctx.next();
  }
}
