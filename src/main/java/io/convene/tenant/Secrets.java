package io.convene.tenant;

import io.convene.ids.Ids;
import io.convene.secrets.SealedKeys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Credential formats and their hashes. Keys and client secrets carry 190+ random bits, so a
 * SHA-256 is a safe at-rest form (a slow password hash buys nothing against such entropy and
 * would cost every request). Comparison is constant-time.
 */
public final class Secrets {
  public static final String API_KEY_PREFIX = "sk_live_";
  /** The first characters after the prefix find the key's row; the rest only ever meet the hash. */
  static final int KEY_LOOKUP_LENGTH = 12;
  static final int KEY_SECRET_LENGTH = 32;
  static final int API_KEY_LENGTH = API_KEY_PREFIX.length() + KEY_LOOKUP_LENGTH + KEY_SECRET_LENGTH;

  private Secrets() {
  }

  static String newApiKey() {
    return Ids.random(API_KEY_PREFIX, KEY_LOOKUP_LENGTH + KEY_SECRET_LENGTH);
  }

  /** The key's row id, or {@code null} when the text cannot be a Convene key. */
  static String apiKeyId(String key) {
    if (key.length() != API_KEY_LENGTH || !key.startsWith(API_KEY_PREFIX) || !isBase62(key, API_KEY_PREFIX.length())) {
      return null;
    }
    return "key_" + key.substring(API_KEY_PREFIX.length(), API_KEY_PREFIX.length() + KEY_LOOKUP_LENGTH);
  }

  /** Whether every character from {@code from} on is one Convene's ids and secrets are made of. */
  static boolean isBase62(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z')) {
        return false;
      }
    }
    return true;
  }

  /** A client id Convene could have issued ({@code cli_} + base62); anything else is unknown without a lookup. */
  static boolean isClientId(String clientId) {
    return clientId != null && clientId.length() <= 64 && clientId.startsWith("cli_") && isBase62(clientId, 4);
  }

  static String newClientId() {
    return Ids.random("cli_", 20);
  }

  static String newClientSecret() {
    return Ids.random("cs_", 40);
  }

  public static byte[] sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] sha256(byte[] bytes) {
    return SealedKeys.sha256(bytes);
  }

  /** Constant-time in the content of both sides: compares fixed-length digests. */
  public static boolean matches(String given, byte[] expectedHash) {
    return MessageDigest.isEqual(sha256(given), expectedHash);
  }
}
