package io.convene.calendar;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * A non-2xx answer from Google. Calendar API errors carry
 * {@code {"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}}; the OAuth
 * endpoints answer {@code {"error": "invalid_grant", "error_description": "..."}}. {@code reason} is
 * the first {@code errors[].reason}, or the OAuth {@code error}.
 */
public final class GoogleApiException extends RuntimeException {
  private static final Set<String> RATE_LIMIT_REASONS = Set.of("rateLimitExceeded", "userRateLimitExceeded");

  private final int status;
  private final String reason;
  private final Long retryAfterSeconds;

  GoogleApiException(int status, String reason, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static GoogleApiException of(int status, Buffer body, String retryAfter) {
    String reason = null;
    String message = null;
    try {
      JsonObject json = body == null || body.length() == 0 ? new JsonObject() : body.toJsonObject();
      Object error = json.getValue("error");
      if (error instanceof JsonObject apiError) {
        message = apiError.getString("message");
        JsonArray errors = apiError.getJsonArray("errors");
        if (errors != null && !errors.isEmpty()) {
          reason = errors.getJsonObject(0).getString("reason");
        }
      } else if (error instanceof String oauthError) {
        reason = oauthError;
        message = json.getString("error_description");
      }
    } catch (RuntimeException notJson) {
      // a proxy's HTML error page: the status says enough
    }
    return new GoogleApiException(status, reason, message == null ? "HTTP " + status : message, retryAfterSeconds(retryAfter));
  }

  private static Long retryAfterSeconds(String header) {
    if (header == null) {
      return null;
    }
    try {
      return Math.max(0, Long.parseLong(header.trim()));
    } catch (NumberFormatException httpDate) {
      return null;
    }
  }

  public int status() {
    return status;
  }

  public String reason() {
    return reason;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** 401 from the Calendar API: the access token expired or was revoked. */
  boolean unauthorized() {
    return status == 401;
  }

  /** 429, or 403 with a rate-limit reason (any other 403 is permanent). */
  boolean rateLimited() {
    return status == 429 || (status == 403 && RATE_LIMIT_REASONS.contains(reason));
  }

  /** Worth retrying later with backoff: rate limits, timeouts and server errors. */
  boolean transientFailure() {
    return rateLimited() || status == 408 || status >= 500;
  }

  boolean gone() {
    return status == 404 || status == 410;
  }

  /** How it reads on the meeting and in the webhook. */
  String describe() {
    return "Google answered " + status + (reason == null ? "" : " " + reason) + ": " + getMessage();
  }
}
