package io.convene.http;

import io.convene.errors.ApiException;
import io.convene.auth.AuthFailure;
import io.convene.auth.OAuthError;
import io.convene.db.DatabaseErrors;
import io.convene.meeting.MeetingStoreException;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failure becomes a response, for every surface and every status, including the
 * router's own 404/405/413/415:
 * {@code {"success": false, "error": {"code", "message", "field"}, "request_id"}}; only the OAuth token
 * endpoint's own refusals keep RFC 6749's shape.
 */
public final class ErrorRenderer implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);

  private final int maxBodyBytes;
  /** The OAuth token endpoint's path, whose refusals take RFC 6749's shape; {@code null} where it is not served. */
  private final String tokenPath;

  public ErrorRenderer(int maxBodyBytes) {
    this(maxBodyBytes, null);
  }

  public ErrorRenderer(int maxBodyBytes, String tokenPath) {
    this.maxBodyBytes = maxBodyBytes;
    this.tokenPath = tokenPath;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
      // The client went away (mid-body, or before its answer): nobody to answer, and not the database.
      LOG.debug("{} {} ({}): the client closed the connection", ctx.request().method(), ctx.request().path(),
          RequestIds.of(ctx));
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (ctx.failure() instanceof OAuthError oauth) {
      Responses.json(ctx, oauth.status(), oauth.body());
      return;
    }
    ApiException error = toApiException(ctx);
    if (error.status() == 503) {
      // Expected while the database is away: one line each, not a stack trace per request.
      LOG.warn("{} {} unavailable ({}): {}", ctx.request().method(), ctx.request().path(), RequestIds.of(ctx),
          ctx.failure() == null ? error.getMessage() : ctx.failure().getMessage());
      ctx.response().putHeader("Retry-After", "1");
    } else if (error.status() >= 500) {
      LOG.error("{} {} failed ({})", ctx.request().method(), ctx.request().path(), RequestIds.of(ctx), ctx.failure());
    }
    if (error.status() < 500 && ctx.request().path().equals(tokenPath)) {
      // RFC 6749 §5.2 on the token endpoint, whatever refused the request (body limit, form decoder, ...)
      Responses.json(ctx, error.status(), new JsonObject().put("error", "invalid_request")
          .put("error_description", error.getMessage()));
      return;
    }
    Responses.json(ctx, error.status(), body(error, RequestIds.of(ctx)));
  }

  /** The body handler's form decoder refuses empty names and oversized attributes with plain exceptions. */
  private static boolean isFormDecodingFailure(RoutingContext ctx, Throwable failure) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")
        && (failure instanceof IllegalArgumentException || failure instanceof java.io.IOException);
  }

  public static JsonObject body(ApiException error, String requestId) {
    JsonObject detail = new JsonObject().put("code", error.code()).put("message", error.getMessage());
    if (error.field() != null) {
      detail.put("field", error.field());
    }
    return new JsonObject().put("success", false).put("error", detail).put("request_id", requestId);
  }

  private ApiException toApiException(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof AuthFailure auth) {
      return ApiException.unauthorized(auth.code(), auth.getMessage());
    }
    if (failure instanceof DecodeException) {
      return ApiException.badRequest("invalid_json", "request body is not valid JSON", null);
    }
    if (failure instanceof HttpPostRequestDecoder.ErrorDataDecoderException || isFormDecodingFailure(ctx, failure)) {
      return ApiException.badRequest("invalid_form", "the form body cannot be decoded", null);
    }
    if (failure instanceof MeetingStoreException store && store.kind() == MeetingStoreException.Kind.UNAVAILABLE) {
      return ApiException.unavailable("the database is unavailable; retry shortly");
    }
    if (failure != null && !(failure instanceof HttpException) && DatabaseErrors.isUnavailable(failure)) {
      return ApiException.unavailable("the database is unavailable; retry shortly");
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : failure == null ? ctx.statusCode() : 500;
    return switch (status) {
      case 400 -> ApiException.badRequest("bad_request", "the request is malformed", null);
      case 401 -> ApiException.unauthorized("unauthorized", "authentication is required");
      case 403 -> ApiException.forbidden("forbidden", "not allowed");
      case 404 -> ApiException.notFound("not_found", "no route for " + ctx.request().method() + " " + ctx.request().path());
      case 405 -> new ApiException(405, "method_not_allowed",
          ctx.request().method() + " is not allowed on " + ctx.request().path(), null);
      case 413 -> new ApiException(413, "payload_too_large", "request body exceeds the limit of " + maxBodyBytes + " bytes", null);
      case 415 -> new ApiException(415, "unsupported_media_type", "send the body as application/json", null);
      default -> status >= 400 && status < 500
          ? new ApiException(status, "bad_request", "the request cannot be served", null)
          : new ApiException(500, "internal_error", "an internal error occurred; quote the request_id", null);
    };
  }
}
