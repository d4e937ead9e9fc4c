package io.convene.auth;

/**
 * A credential refused: always 401, with a stable machine code and a message for people. Auth knows
 * nothing of HTTP's error type; the error renderer turns this into the shared error shape.
 */
public final class AuthFailure extends RuntimeException {
  private final String code;

  public AuthFailure(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
