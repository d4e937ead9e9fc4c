package io.convene.observability;

import io.convene.http.RequestIds;
import io.convene.tenant.Tenant;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

import static net.logstash.logback.argument.StructuredArguments.value;

/**
 * Ties a request to what is logged while it runs (the JSON log's {@code request_id}, {@code tenant_id} and
 * {@code route}) and, with the access log on, logs one line when it ends. Vert.x runs each request on a context
 * of its own, so the request is kept there, not in a thread-local MDC that other requests on the same event
 * loop would overwrite.
 */
final class RequestLog implements Handler<RoutingContext> {
  static final String ACCESS_LOGGER = "io.convene.access";
  private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);
  private static final Object KEY = RequestLog.class;

  private final RouteTemplates templates;
  private final boolean accessLog;

  RequestLog(RouteTemplates templates, boolean accessLog) {
    this.templates = templates;
    this.accessLog = accessLog;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal) {
      internal.localContextData().put(KEY, new Current(ctx, templates));
    }
    if (accessLog) {
      long started = System.nanoTime();
      ctx.addEndHandler(ended -> log(ctx, started));
    }
    ctx.next();
  }

  private void log(RoutingContext ctx, long started) {
    String route = templates.of(ctx);
    long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    Tenant tenant = Tenant.find(ctx);
    // Its own fields: a response written from a file ends outside the request's context.
    ACCESS.info("{} {} {} {} ms {} {}", value("method", ctx.request().method().name()), field("route", route),
        value("status", ctx.response().getStatusCode()), value("duration_ms", durationMs),
        value("request_id", RequestIds.of(ctx)), field("tenant_id", tenant == null ? null : tenant.accountId()));
  }

  /** A field of the JSON line when there is a value; else only a {@code -} in the message. */
  private static Object field(String name, String content) {
    return content == null ? "-" : value(name, content);
  }

  /** The request running on the calling thread's Vert.x context, or {@code null}. */
  static Current current() {
    Context context = Vertx.currentContext();
    return context instanceof ContextInternal internal ? (Current) internal.localContextData().get(KEY) : null;
  }

  /** What a log line names of the request it was logged in. */
  record Current(RoutingContext ctx, RouteTemplates templates) {
    String requestId() {
      return RequestIds.of(ctx);
    }

    String tenantId() {
      Tenant tenant = Tenant.find(ctx);
      return tenant == null ? null : tenant.accountId();
    }

    String route() {
      return templates.of(ctx);
    }
  }
}
