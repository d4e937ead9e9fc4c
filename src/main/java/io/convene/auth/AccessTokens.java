package io.convene.auth;

import io.convene.config.ConveneConfig;
import io.convene.ids.Ids;
import io.convene.secrets.SealedKeys;
import io.convene.secrets.SecretBox;
import io.convene.tenant.Tenant;
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

/**
 * OAuth 2.0 access tokens: HS256 JWTs naming the OAuth client and the account it may act on, with
 * {@code iat}, {@code exp} and a {@code kid} header. The key is the configured {@code jwt_secret}, or
 * else one generated once and kept sealed in the database (table
 * {@code jwt_signing_key}, see {@link SealedKeys}), so that every instance and every restart accepts every token.
 */
public final class AccessTokens {
  static final String ALGORITHM = "HS256";
  static final String ISSUER = "convene";

  private final JWTAuth jwt;
  private final String keyId;
  private final int ttlSeconds;

  private AccessTokens(JWTAuth jwt, String keyId, int ttlSeconds) {
    this.jwt = jwt;
    this.keyId = keyId;
    this.ttlSeconds = ttlSeconds;
  }

  public static Future<AccessTokens> start(Vertx vertx, Pool pool, SecretBox secrets, ConveneConfig config) {
    Future<byte[]> key = config.jwtSecret() != null
        ? Future.succeededFuture(config.jwtSecret().getBytes(StandardCharsets.UTF_8))
        : storedKey(pool, secrets);
    return key.map(bytes -> create(vertx, bytes, config.tokenTtlSeconds()));
  }

  static AccessTokens create(Vertx vertx, byte[] key, int ttlSeconds) {
    String keyId = keyId(key);
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(keyId).setBuffer(Buffer.buffer(key)))
        // exp is checked below, so that an expired token can be told apart from a forged one.
        .setJWTOptions(new JWTOptions().setAlgorithm(ALGORITHM).setIssuer(ISSUER).setIgnoreExpiration(true)));
    return new AccessTokens(jwt, keyId, ttlSeconds);
  }

  private static Future<byte[]> storedKey(Pool pool, SecretBox secrets) {
    return SealedKeys.stored(pool, secrets, "jwt_signing_key",
        "set jwt_secret (CONVENE_JWT_SECRET) or delete the jwt_signing_key row to make a new one");
  }

  /** Names the key without revealing it, so that a later key rotation can tell tokens apart. */
  private static String keyId(byte[] key) {
    return SealedKeys.keyId("k_", "convene-jwt-kid", key);
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  String keyId() {
    return keyId;
  }

  /** A token for the client that authenticated, acting on its account. */
  public String issue(Tenant client) {
    JsonObject claims = new JsonObject()
        .put("account_id", client.accountId())
        .put("client_id", client.credentialId())
        .put("jti", Ids.random("at_", 20));
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm(ALGORITHM)
        .setIssuer(ISSUER)
        .setSubject(client.credentialId())
        .setExpiresInSeconds(ttlSeconds));
  }

  /**
   * The account and client a token names, when it is well formed, signed with this key, issued
   * here and not expired; otherwise a 401. Whether the client is still live is the caller's check.
   */
  public Future<Tenant> verify(String token) {
    return SealedKeys.payload(jwt, token)
        .recover(invalid -> Future.failedFuture(invalid()))
        .map(AccessTokens::claims);
  }

  private static Tenant claims(JsonObject payload) {
    Object exp = payload.getValue("exp");
    Object account = payload.getValue("account_id");
    Object client = payload.getValue("client_id");
    // An audience marks another kind of token (a manage token, aud convene:manage): never an access token.
    if (!(exp instanceof Number expiry) || !(account instanceof String accountId) || !(client instanceof String clientId)
        || payload.containsKey("aud")) {
      throw invalid();
    }
    if (System.currentTimeMillis() / 1000 >= expiry.longValue()) {
      throw new AuthFailure("token_expired", "the access token has expired; request a new one from POST /oauth2/token");
    }
    return new Tenant(accountId, clientId);
  }

  static AuthFailure invalid() {
    return new AuthFailure("invalid_token", "the access token is not valid");
  }
}
