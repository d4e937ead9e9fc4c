package io.convene.errors;

/**
 * The one error type the HTTP layer renders: a status, a stable machine code, a message for
 * people, and the request field at fault when there is one.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final String field;

  public ApiException(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public static ApiException badRequest(String code, String message, String field) {
    return new ApiException(400, code, message, field);
  }

  public static ApiException invalidField(String field, String message) {
    return new ApiException(400, "invalid_field", message, field);
  }

  /**
   * This refusal as {@code invalid_field} when it is a 400 naming a field, for a body whose contract names no
   * code of its own for the shared rules' refusals (a time, an email, a repeated email); else as it is.
   */
  public ApiException asInvalidField() {
    return status == 400 && field != null ? invalidField(field, getMessage()) : this;
  }

  public static ApiException unauthorized(String code, String message) {
    return new ApiException(401, code, message, null);
  }

  public static ApiException forbidden(String code, String message) {
    return new ApiException(403, code, message, null);
  }

  public static ApiException notFound(String code, String message) {
    return new ApiException(404, code, message, null);
  }

  public static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message, null);
  }

  public static ApiException preconditionFailed(String message) {
    return new ApiException(412, "precondition_failed", message, null);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "service_unavailable", message, null);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String field() {
    return field;
  }
}
