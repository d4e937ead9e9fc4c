package io.convene.ids;

import java.security.SecureRandom;

/** Random identifiers and secrets: a prefix that says what the thing is, then base62 characters. */
public final class Ids {
  private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  /** One generator per thread: a shared SecureRandom is synchronised, and every request makes ids. */
  private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(SecureRandom::new);

  private Ids() {
  }

  /** One call into this thread's SecureRandom per id, then rejection sampling. */
  public static String random(String prefix, int length) {
    StringBuilder out = new StringBuilder(prefix.length() + length).append(prefix);
    SecureRandom random = RANDOM.get();
    byte[] bytes = new byte[length * 2];
    int used = bytes.length;
    while (out.length() < prefix.length() + length) {
      if (used == bytes.length) {
        random.nextBytes(bytes);
        used = 0;
      }
      int b = bytes[used++] & 0xff;
      // 248 = 4 * 62: values above it would make the first characters likelier
      if (b < 248) {
        out.append(BASE62[b % 62]);
      }
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
