package io.convene.http;

import io.convene.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque page cursors: a versioned prefix and a position, base64url; anything else is 400 {@code invalid_cursor}. */
public final class Cursors {
  private Cursors() {
  }

  public static String encode(String prefix, String position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((prefix + position).getBytes(StandardCharsets.UTF_8));
  }

  /** The position a cursor of ours stands for. */
  public static String decode(String prefix, String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(prefix) && text.indexOf('\0') < 0) {
        return text.substring(prefix.length());
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw invalid();
  }

  public static ApiException invalid() {
    return ApiException.badRequest("invalid_cursor", "cursor is not one this API returned", "cursor");
  }
}
