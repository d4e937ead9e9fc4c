package io.convene.http;

import io.convene.errors.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reads a request body that must be a JSON object, with the errors a client can act on. */
public final class JsonBodies {
  private JsonBodies() {
  }

  public static JsonObject object(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw ApiException.badRequest("missing_body", "the request needs a JSON object body", null);
    }
    requireJsonContentType(ctx);
    Object value;
    try {
      value = body.toJsonValue();
    } catch (DecodeException e) {
      throw ApiException.badRequest("invalid_json", "request body is not valid JSON", null);
    }
    if (!(value instanceof JsonObject json)) {
      throw ApiException.badRequest("invalid_json", "request body must be a JSON object", null);
    }
    return json;
  }

  /** A body with another declared type is refused with 415, whatever it holds. */
  public static void requireJsonContentType(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new ApiException(415, "unsupported_media_type",
          "send the body as application/json" + (type == null ? "" : ", not " + mediaType), null);
    }
  }
}
