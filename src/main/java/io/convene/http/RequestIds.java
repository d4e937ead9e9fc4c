package io.convene.http;

import io.convene.ids.Ids;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Gives every request an id, sent back as {@code X-Request-Id} and in every error body. */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "convene.requestId";

  @Override
  public void handle(RoutingContext ctx) {
    String id = Ids.request();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      // Failures raised before this handler ran (e.g. a malformed request line) still get an id.
      id = Ids.request();
      ctx.put(KEY, id);
      ctx.response().putHeader(HEADER, id);
    }
    return id;
  }
}
