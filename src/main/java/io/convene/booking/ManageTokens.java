package io.convene.booking;

import io.convene.config.ConveneConfig;
import io.convene.errors.ApiException;
import io.convene.secrets.SealedKeys;
import io.convene.secrets.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Pool;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Manage tokens (contracts-scheduling.md §B6): HS256 JWTs that let the booker of one meeting read, reschedule
 * and cancel it, with {@code aud: convene:manage} and a {@code kid} header. The key is the configured
 * {@code booking_token_secret}, or else one generated once and kept sealed in the database (table
 * {@code booking_token_key}, see {@link SealedKeys}); it is not the access-token key, and each verifier refuses the
 * other's tokens. A token is a credential: it is never logged.
 */
public final class ManageTokens {
  public static final String AUDIENCE = "convene:manage";
  static final String ALGORITHM = "HS256";
  private static final Duration AFTER_END = Duration.ofDays(7);

  /** What a valid token names. */
  public record Claims(String meetingId, String accountId, String bookerId) {
  }

  private final JWTAuth jwt;

  private ManageTokens(JWTAuth jwt) {
    this.jwt = jwt;
  }

  public static Future<ManageTokens> start(Vertx vertx, Pool pool, SecretBox secrets, ConveneConfig config) {
    Future<byte[]> key = config.bookingTokenSecret() != null
        ? Future.succeededFuture(config.bookingTokenSecret().getBytes(StandardCharsets.UTF_8))
        : storedKey(pool, secrets);
    return key.map(bytes -> create(vertx, bytes));
  }

  static ManageTokens create(Vertx vertx, byte[] key) {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(keyId(key)).setBuffer(Buffer.buffer(key)))
        // exp is checked below, so that a token whose exp is missing or ill-typed is refused too.
        .setJWTOptions(new JWTOptions().setAlgorithm(ALGORITHM).setAudience(List.of(AUDIENCE)).setIgnoreExpiration(true)));
    return new ManageTokens(jwt);
  }

  private static Future<byte[]> storedKey(Pool pool, SecretBox secrets) {
    return SealedKeys.stored(pool, secrets, "booking_token_key",
        "set booking_token_secret (CONVENE_BOOKING_TOKEN_SECRET) or delete the booking_token_key row to make a new one");
  }

  private static String keyId(byte[] key) {
    return SealedKeys.keyId("m_", "convene-manage-kid", key);
  }

  /** A token for the booker of a meeting, valid until a week after the meeting's end. */
  public String issue(String meetingId, String accountId, String bookerId, Instant end) {
    JsonObject claims = new JsonObject()
        .put("aud", AUDIENCE)
        .put("sub", meetingId)
        .put("acc", accountId)
        .put("per", bookerId)
        .put("exp", end.plus(AFTER_END).getEpochSecond());
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM));
  }

  /**
   * The claims of a well-formed, unexpired token signed with this key for {@code meetingId} ({@code null}: for any
   * meeting, the caller checks which); else 401.
   */
  public Future<Claims> verify(String token, String meetingId) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(invalid());
    }
    return SealedKeys.payload(jwt, token)
        .recover(bad -> Future.failedFuture(invalid()))
        .map(payload -> {
          Object exp = payload.getValue("exp");
          Object sub = payload.getValue("sub");
          Object acc = payload.getValue("acc");
          Object per = payload.getValue("per");
          if (!(exp instanceof Number expiry) || !(sub instanceof String subject) || !(acc instanceof String account)
              || !(per instanceof String booker) || (meetingId != null && !subject.equals(meetingId))
              || System.currentTimeMillis() / 1000 >= expiry.longValue()) {
            throw invalid();
          }
          return new Claims(subject, account, booker);
        });
  }

  public static ApiException invalid() {
    return ApiException.unauthorized("invalid_token", "the manage token is missing, expired or not valid for this meeting");
  }
}
