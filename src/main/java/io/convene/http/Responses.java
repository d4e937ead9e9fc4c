package io.convene.http;

import io.convene.meeting.Meeting;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON responses the same way everywhere, and lets an idempotency claim keep them first. */
public final class Responses {
  static final String RECORDER = "convene.responseRecorder";
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  /** Keeps a response before it is sent (see {@link Idempotency}). */
  @FunctionalInterface
  interface Recorder {
    Future<Void> record(int status, Buffer body, String etag);
  }

  private Responses() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    Buffer buffer = body.toBuffer();
    Recorder recorder = ctx.get(RECORDER);
    if (recorder == null) {
      write(ctx, status, buffer);
      return;
    }
    ctx.remove(RECORDER);
    // The change is committed whatever happens to the record, so the answer goes out regardless.
    recorder.record(status, buffer, ctx.response().headers().get(HttpHeaders.ETAG))
        .onComplete(recorded -> write(ctx, status, buffer));
  }

  public static void ok(RoutingContext ctx, JsonObject body) {
    json(ctx, 200, body);
  }

  /** A meeting in some surface's JSON, with its ETag. */
  public static void meeting(RoutingContext ctx, int status, Meeting meeting, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.ETAG, meeting.etag());
    json(ctx, status, body);
  }

  private static void write(RoutingContext ctx, int status, Buffer body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(body);
  }
}
