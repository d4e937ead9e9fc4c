package io.convene.auth;

import io.vertx.core.json.JsonObject;

/**
 * A refusal of the token endpoint, which alone answers in RFC 6749's own error shape
 * ({@code {"error", "error_description"}}, §5.2) rather than the shared one; the error renderer
 * writes it.
 */
public final class OAuthError extends RuntimeException {
  private final int status;
  private final String error;

  private OAuthError(int status, String error, String description) {
    super(description, null, false, false);
    this.status = status;
    this.error = error;
  }

  public static OAuthError invalidRequest(String description) {
    return new OAuthError(400, "invalid_request", description);
  }

  public static OAuthError invalidClient(String description) {
    return new OAuthError(401, "invalid_client", description);
  }

  public static OAuthError unsupportedGrantType(String description) {
    return new OAuthError(400, "unsupported_grant_type", description);
  }

  public int status() {
    return status;
  }

  public JsonObject body() {
    return new JsonObject().put("error", error).put("error_description", getMessage());
  }
}
