package io.convene.http;

import io.vertx.ext.web.RoutingContext;

/**
 * {@code If-Match} on updates and cancels. A meeting's ETag is {@code "<id>.<version>"}; the store
 * compares the version under the row lock, so a stale tag can never slip between read and write.
 */
public final class Preconditions {
  /** A version no meeting has: an If-Match that names another resource or is weak never matches. */
  private static final int NO_VERSION = -1;

  private Preconditions() {
  }

  /** The version the client expects, or {@code null} when it sent no If-Match (or {@code *}). */
  public static Integer expectedVersion(RoutingContext ctx, String meetingId) {
    String header = ctx.request().getHeader("If-Match");
    if (header == null || header.isBlank() || header.trim().equals("*")) {
      return null;
    }
    String prefix = "\"" + meetingId + ".";
    for (String tag : header.split(",")) {
      String t = tag.trim();
      if (t.startsWith(prefix) && t.endsWith("\"") && t.length() > prefix.length() + 1) {
        try {
          return Integer.parseInt(t.substring(prefix.length(), t.length() - 1));
        } catch (NumberFormatException e) {
          return NO_VERSION;
        }
      }
    }
    return NO_VERSION;
  }
}
