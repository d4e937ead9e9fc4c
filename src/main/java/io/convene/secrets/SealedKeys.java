package io.convene.secrets;

import io.convene.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signing keys that no configuration names: generated once by the first instance to start, sealed with the
 * secrets key in a one-row table {@code (id = 1, sealed_secret)}, and read by every instance after, so that a token
 * signed anywhere is accepted everywhere and after a restart. Instances starting together race on the insert:
 * the first wins, everyone reads the winner.
 */
public final class SealedKeys {
  private static final int KEY_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SealedKeys() {
  }

  /** Names a key without revealing it ({@code prefix} + 16 characters of a hash), so that a rotation tells tokens apart. */
  public static String keyId(String prefix, String purpose, byte[] key) {
    byte[] digest = sha256(Buffer.buffer(purpose + ":").appendBytes(key).getBytes());
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
  }

  /**
   * @param table      the key's one-row table
   * @param unreadable what to do when the stored key cannot be opened (named in the start's error)
   */
  public static Future<byte[]> stored(Pool pool, SecretBox secrets, String table, String unreadable) {
    byte[] fresh = new byte[KEY_BYTES];
    RANDOM.nextBytes(fresh);
    return pool.preparedQuery("INSERT INTO " + table + " (id, sealed_secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(secrets.seal(Base64.getEncoder().encodeToString(fresh))))
        .compose(inserted -> pool.query("SELECT sealed_secret FROM " + table + " WHERE id = 1").execute())
        .map(rows -> {
          try {
            return Base64.getDecoder().decode(secrets.open(rows.iterator().next().getString("sealed_secret")));
          } catch (SecretBox.SecretBoxException | IllegalArgumentException e) {
            throw new ConfigException("the key stored in " + table + " cannot be opened (" + e.getMessage() + "); "
                + unreadable);
          }
        });
  }

  /**
   * The payload of a token that {@code jwt} accepts (signature, algorithm, expiry), or a failed future: the
   * library throws, rather than fails, on some ill-typed claims (a null exp, iat or nbf).
   */
  public static Future<JsonObject> payload(JWTAuth jwt, String token) {
    Future<User> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      authenticated = Future.failedFuture(e);
    }
    return authenticated.map(user -> user.attributes().getJsonObject("accessToken"));
  }

  /** SHA-256 of {@code bytes}: the one digest of stored credentials and of key ids. */
  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
