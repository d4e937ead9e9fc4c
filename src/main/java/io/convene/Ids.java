package io.convene;

import java.security.SecureRandom;

/** Random identifiers and secrets: a prefix that says what the thing is, then base62 characters. */
public final class Ids {
  private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {
  }

  public static String random(String prefix, int length) {
    StringBuilder out = new StringBuilder(prefix.length() + length).append(prefix);
    for (int i = 0; i < length; i++) {
      out.append(BASE62[RANDOM.nextInt(BASE62.length)]);
    }
    return out.toString();
  }

  public static String meeting() {
    return random("meet_", 20);
  }

  public static String person() {
    return random("per_", 20);
  }

  public static String event() {
    return random("evt_", 24);
  }

  public static String request() {
    return random("req_", 20);
  }
}
