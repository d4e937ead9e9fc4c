package io.convene.http;

import io.convene.errors.ApiException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request path that cannot name anything: broken percent-encoding, bytes that are not
 * UTF-8, or control characters (a NUL would otherwise reach PostgreSQL, which rejects it in text).
 */
public final class PathGuard implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    if (isPlain(path)) {
      ctx.next();
      return;
    }
    try {
      UrlEncoded.path(path);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    ctx.next();
  }

  /** Visible ASCII without escapes (nearly every request): nothing to decode, nothing to refuse. */
  private static boolean isPlain(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '%' || c == '+') {
        return false;
      }
    }
    return true;
  }
}
