package io.convene.ids;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/** Random identifiers and secrets: a prefix that says what the thing is, then base62 characters. */
public final class Ids {
  private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
  /**
   * One generator per thread, every request makes ids. DRBG, not the platform default: every NativePRNG shares
   * one process-wide lock and reads /dev/urandom under it, so the event loops queued behind each other there.
   */
  private static final ThreadLocal<RandomBytes> RANDOM = ThreadLocal.withInitial(RandomBytes::new);

  private Ids() {
  }

  /** One byte of this thread's generator per character, with rejection sampling. */
  public static String random(String prefix, int length) {
    RandomBytes random = RANDOM.get();
    char[] out = new char[prefix.length() + length];
    prefix.getChars(0, prefix.length(), out, 0);
    for (int at = prefix.length(); at < out.length; ) {
      int b = random.next();
      // 248 = 4 * 62: values above it would make the first characters likelier
      if (b < 248) {
        out[at++] = BASE62[b % 62];
      }
    }
    return new String(out);
  }

  /** A thread's generator, drawn a block at a time: each call into DRBG costs a hash of its own besides the output. */
  private static final class RandomBytes {
    private final SecureRandom generator;
    private final byte[] block = new byte[1024];
    private int used = block.length;

    RandomBytes() {
      try {
        generator = SecureRandom.getInstance("DRBG");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no DRBG in this JDK", e);
      }
    }

    int next() {
      if (used == block.length) {
        generator.nextBytes(block);
        used = 0;
      }
      int b = block[used] & 0xff;
      // Nothing drawn stays behind in memory once it is used.
      block[used++] = 0;
      return b;
    }
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
