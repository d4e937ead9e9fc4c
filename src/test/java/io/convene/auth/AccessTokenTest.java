package io.convene.auth;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.TestDatabase;
import io.convene.http.oauth.TokenEndpoint;
import io.convene.db.Database;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OAuth 2.0 client credentials (contracts.md §1): the token endpoint, and bearer tokens on the tenant APIs. */
@ExtendWith(VertxExtension.class)
public class AccessTokenTest {
  static final String JWT_SECRET = "test-jwt-secret-0123456789abcdef-0123";
  private static final String INVALID = "the access token is not valid";

  private TestApp app;
  private JsonObject acme;
  private JsonObject globex;
  private String meetings;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx, Map.of("CONVENE_JWT_SECRET", JWT_SECRET)).await();
    acme = app.createAccount("Acme").await();
    globex = app.createAccount("Globex").await();
    meetings = "/v1/accounts/" + acme.getString("id") + "/meetings";
  }

  private String clientId() {
    return acme.getJsonObject("oauth_client").getString("client_id");
  }

  private String clientSecret() {
    return acme.getJsonObject("oauth_client").getString("client_secret");
  }

  private HttpResponse<Buffer> tokenRequest(String contentType, String body, String basic) {
    var request = app.client.post(TokenEndpoint.PATH);
    if (basic != null) {
      request.putHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    if (contentType == null) {
      return request.send().await();
    }
    return request.putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body)).await();
  }

  private HttpResponse<Buffer> json(JsonObject body) {
    return tokenRequest("application/json", body.encode(), null);
  }

  private JsonObject grant() {
    return new JsonObject().put("grant_type", "client_credentials").put("client_id", clientId())
        .put("client_secret", clientSecret());
  }

  private HttpResponse<Buffer> withToken(TestApp on, String token, String path) {
    return TestCalls.withKey(on, token).get(path).await();
  }

  static JsonObject part(String token, int index) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8));
  }

  /** A JWT made by hand, so that every field can be wrong on purpose; {@code key == null} leaves it unsigned. */
  public static String jwt(JsonObject header, JsonObject payload, byte[] key) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    if (key == null) {
      return input + ".";
    }
    try {
      String alg = "HmacSHA" + header.getString("alg").substring(2);
      Mac mac = Mac.getInstance(alg);
      mac.init(new SecretKeySpec(key, alg));
      return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject claims(long expiresIn) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("account_id", acme.getString("id")).put("client_id", clientId())
        .put("iss", "convene").put("sub", clientId()).put("iat", now).put("exp", now + expiresIn);
  }

  private static void assertTokenResponse(HttpResponse<Buffer> response, int ttl) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("no-store", response.getHeader("Cache-Control"));
    assertEquals("no-cache", response.getHeader("Pragma"));
    JsonObject body = response.bodyAsJsonObject();
    String token = body.getString("access_token");
    assertEquals(new JsonObject().put("access_token", token).put("token_type", "Bearer").put("expires_in", ttl), body);
    JsonObject header = part(token, 0);
    assertEquals("HS256", header.getString("alg"));
    assertTrue(header.getString("kid").startsWith("k_"), header.encode());
    JsonObject payload = part(token, 1);
    assertEquals(ttl, payload.getLong("exp") - payload.getLong("iat"));
  }

  @Test
  void tokensComeForJsonFormAndBasicAuthentication() {
    HttpResponse<Buffer> fromJson = json(grant());
    assertTokenResponse(fromJson, 3600);
    JsonObject payload = part(fromJson.bodyAsJsonObject().getString("access_token"), 1);
    assertEquals(acme.getString("id"), payload.getString("account_id"), "the token names the account it acts on");
    assertEquals(clientId(), payload.getString("client_id"));

    HttpResponse<Buffer> fromForm = tokenRequest("application/x-www-form-urlencoded",
        "grant_type=client_credentials&client_id=" + clientId() + "&client_secret=" + clientSecret(), null);
    assertTokenResponse(fromForm, 3600);
    HttpResponse<Buffer> fromBasic = tokenRequest("application/x-www-form-urlencoded; charset=UTF-8",
        "grant_type=client_credentials", clientId() + ":" + clientSecret());
    assertTokenResponse(fromBasic, 3600);
    HttpResponse<Buffer> basicWithJson = tokenRequest("application/json",
        new JsonObject().put("grant_type", "client_credentials").put("client_id", clientId()).encode(),
        clientId() + ":" + clientSecret());
    assertTokenResponse(basicWithJson, 3600);

    for (HttpResponse<Buffer> issued : List.of(fromJson, fromForm, fromBasic, basicWithJson)) {
      String token = issued.bodyAsJsonObject().getString("access_token");
      assertEquals(200, withToken(app, token, meetings).statusCode());
    }
  }

  private record Refusal(String name, HttpResponse<Buffer> response, int status, String error, String description) {
  }

  @Test
  void refusalsUseTheRfc6749ErrorShape() {
    String form = "application/x-www-form-urlencoded";
    String basic = clientId() + ":" + clientSecret();
    List<Refusal> refusals = List.of(
        new Refusal("wrong secret", json(grant().put("client_secret", "cs_wrong")), 401, "invalid_client",
            "unknown client or wrong client secret"),
        new Refusal("unknown client", json(grant().put("client_id", "cli_unknown")), 401, "invalid_client",
            "unknown client or wrong client secret"),
        new Refusal("no secret", json(grant().put("client_secret", null)), 401, "invalid_client",
            "send client_id and client_secret, or use HTTP Basic authentication"),
        new Refusal("no client at all", tokenRequest(form, "grant_type=client_credentials", null), 401,
            "invalid_client", "send client_id and client_secret, or use HTTP Basic authentication"),
        new Refusal("wrong Basic secret", tokenRequest(form, "grant_type=client_credentials", clientId() + ":nope"),
            401, "invalid_client", "unknown client or wrong client secret"),
        new Refusal("Basic without a colon", tokenRequest(form, "grant_type=client_credentials", clientId()),
            401, "invalid_client", "the Authorization header is not HTTP Basic client credentials"),
        new Refusal("missing grant_type", json(grant().put("grant_type", null)), 400, "invalid_request",
            "grant_type is required"),
        new Refusal("password grant", json(grant().put("grant_type", "password")), 400, "unsupported_grant_type",
            "only grant_type=client_credentials is supported"),
        new Refusal("no body", tokenRequest(null, null, null), 400, "invalid_request", "grant_type is required"),
        new Refusal("text body", tokenRequest("text/plain", "grant_type=client_credentials", null), 400,
            "invalid_request", "send the parameters as application/x-www-form-urlencoded or application/json"),
        new Refusal("malformed JSON", tokenRequest("application/json", "{\"grant_type\": ", null), 400,
            "invalid_request", "the request body is not a JSON object"),
        new Refusal("JSON list", tokenRequest("application/json", "[]", null), 400,
            "invalid_request", "the request body is not a JSON object"),
        new Refusal("numeric client_id", json(grant().put("client_id", 42)), 400, "invalid_request",
            "client_id must be a string"),
        new Refusal("repeated parameter", tokenRequest(form,
            "grant_type=client_credentials&client_id=a&client_id=b&client_secret=c", null), 400, "invalid_request",
            "client_id must not be repeated"),
        new Refusal("two client authentications", tokenRequest(form,
            "grant_type=client_credentials&client_secret=" + clientSecret(), basic), 400, "invalid_request",
            "authenticate the client one way only: HTTP Basic or client_secret, not both"),
        new Refusal("Basic and another client_id", tokenRequest(form,
            "grant_type=client_credentials&client_id=cli_other", basic), 400, "invalid_request",
            "client_id does not match the client of the Authorization header"));
    for (Refusal r : refusals) {
      HttpResponse<Buffer> response = r.response();
      assertEquals(r.status(), response.statusCode(), r.name() + ": " + response.bodyAsString());
      assertEquals(new JsonObject().put("error", r.error()).put("error_description", r.description()),
          response.bodyAsJsonObject(), r.name());
      assertEquals("no-store", response.getHeader("Cache-Control"), r.name());
    }
    assertEquals("Basic realm=\"convene\"", refusals.get(4).response().getHeader("WWW-Authenticate"));
  }

  @Test
  void aRevokedClientGetsNoTokenAndItsTokensStopAtOnce() {
    String token = app.accessToken(acme).await();
    assertEquals(200, withToken(app, token, meetings).statusCode());
    HttpResponse<Buffer> revoked = app.client
        .delete("/admin/v1/accounts/" + acme.getString("id") + "/oauth-clients/" + clientId())
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await();
    assertEquals(200, revoked.statusCode(), revoked.bodyAsString());
    assertError(withToken(app, token, meetings), 401, "invalid_token", "the access token's OAuth client has been revoked", null);
    assertEquals(new JsonObject().put("error", "invalid_client").put("error_description", "unknown client or wrong client secret"),
        json(grant()).bodyAsJsonObject());
  }

  @Test
  void apiKeysAndTokensWorkOnBothSurfaces() {
    String token = app.accessToken(acme).await();
    assertEquals(200, withToken(app, acme.getString("api_key"), meetings).statusCode(), "API key on the Accounts API");
    TestCalls xApiKey = TestCalls.withHeaders(app, MultiMap.caseInsensitiveMultiMap().add("X-API-Key", acme.getString("api_key")));
    assertEquals(200, xApiKey.get(meetings).await().statusCode());
    assertEquals(200, withToken(app, token, "/v1/meetings").statusCode(), "access token on the Platform API");
  }

  @Test
  void everyBadTokenIsUnauthorized() {
    byte[] key = JWT_SECRET.getBytes(StandardCharsets.UTF_8);
    String real = app.accessToken(acme).await();
    JsonObject header = part(real, 0);
    String[] segments = real.split("\\.");
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String otherAccount = b64.encodeToString(part(real, 1).put("account_id", globex.getString("id")).encode()
        .getBytes(StandardCharsets.UTF_8));
    String longerLife = b64.encodeToString(part(real, 1).put("exp", part(real, 1).getLong("exp") + 86_400).encode()
        .getBytes(StandardCharsets.UTF_8));

    // The hand-made token is accepted when nothing is wrong with it, so the refusals below are for what was changed.
    assertEquals(200, withToken(app, jwt(header, claims(600), key), meetings).statusCode());

    Map<String, String> invalid = new java.util.LinkedHashMap<>();
    invalid.put("not a JWT", "not-a-jwt");
    invalid.put("garbage segments", "abc.def.ghi");
    invalid.put("two segments", segments[0] + "." + segments[1]);
    invalid.put("payload swapped for another account", segments[0] + "." + otherAccount + "." + segments[2]);
    invalid.put("expiry pushed out", segments[0] + "." + longerLife + "." + segments[2]);
    invalid.put("signature cut", real.substring(0, real.length() - 4));
    invalid.put("alg none, empty signature", jwt(new JsonObject().put("alg", "none").put("typ", "JWT"), claims(600), null));
    invalid.put("alg none, no signature", jwt(new JsonObject().put("alg", "none").put("typ", "JWT"), claims(600), null)
        .replaceAll("\\.$", ""));
    invalid.put("alg none with the real signature", b64.encodeToString(new JsonObject().put("alg", "none").encode()
        .getBytes(StandardCharsets.UTF_8)) + "." + segments[1] + "." + segments[2]);
    invalid.put("signed with another key", jwt(header, claims(600), "another-key-another-key-another-key!".getBytes(StandardCharsets.UTF_8)));
    invalid.put("another Convene's token", AccessTokens.create(app.vertx,
        "a-different-deployments-secret-0123456".getBytes(StandardCharsets.UTF_8), 600)
        .issue(new io.convene.tenant.Tenant(acme.getString("id"), clientId())));
    invalid.put("HS512 with the right secret", jwt(header.copy().put("alg", "HS512"), claims(600), key));
    invalid.put("another issuer", jwt(header, claims(600).put("iss", "elsewhere"), key));
    invalid.put("no expiry", jwt(header, claims(600).copy().put("exp", null), key));
    JsonObject withoutExp = claims(600);
    withoutExp.remove("exp");
    invalid.put("expiry absent", jwt(header, withoutExp, key));
    invalid.put("expiry as text", jwt(header, claims(600).put("exp", "tomorrow"), key));
    invalid.put("issued-at null", jwt(header, claims(600).put("iat", null), key));
    invalid.put("no account", jwt(header, claims(600).putNull("account_id"), key));
    invalid.put("unknown client", jwt(header, claims(600).put("client_id", "cli_unknown"), key));
    int inSignature = real.lastIndexOf('.') + 5;
    invalid.put("signature changed", real.substring(0, inSignature) + (real.charAt(inSignature) == 'A' ? 'B' : 'A')
        + real.substring(inSignature + 1));
    invalid.put("header changed", b64.encodeToString(header.copy().put("typ", "at+jwt").encode()
        .getBytes(StandardCharsets.UTF_8)) + "." + segments[1] + "." + segments[2]);
    invalid.put("HS384 with the right secret", jwt(header.copy().put("alg", "HS384"), claims(600), key));
    // jwt() signs "RS256" with HmacSHA256: the classic confusion of an HMAC secret with a public key.
    invalid.put("RS256 header, HMAC-signed with the right secret", jwt(header.copy().put("alg", "RS256"), claims(600), key));
    invalid.put("alg in lower case", jwt(header.copy().put("alg", "hs256"), claims(600), key));
    byte[] otherKey = "attackers-key-attackers-key-attackers!".getBytes(StandardCharsets.UTF_8);
    invalid.put("unknown kid, right key", jwt(header.copy().put("kid", "k_unknown"), claims(600), key));
    invalid.put("unknown kid, another key", jwt(header.copy().put("kid", "k_attacker"), claims(600), otherKey));
    invalid.put("the signing key embedded in the header", jwt(header.copy().put("jwk", new JsonObject().put("kty", "oct")
        .put("k", b64.encodeToString(otherKey))), claims(600), otherKey));
    JsonObject withoutIssuer = claims(600);
    withoutIssuer.remove("iss");
    invalid.put("issuer absent", jwt(header, withoutIssuer, key));
    invalid.put("issuer not a string", jwt(header, claims(600).put("iss", 42), key));
    // Signed with the right key (which only Convene holds), yet pairing one tenant's client with another's account.
    invalid.put("Acme's client acting for Globex", jwt(header, claims(600).put("account_id", globex.getString("id")), key));
    java.util.Set<String> deadClient = java.util.Set.of("unknown client", "Acme's client acting for Globex");
    List<String> failures = new ArrayList<>();
    invalid.forEach((name, token) -> {
      HttpResponse<Buffer> response = withToken(app, token, meetings);
      try {
        String message = deadClient.contains(name) ? "the access token's OAuth client has been revoked" : INVALID;
        assertError(response, 401, "invalid_token", message, null);
        assertEquals("Bearer realm=\"convene\"", response.getHeader("WWW-Authenticate"));
      } catch (AssertionError e) {
        failures.add(name + ": " + e.getMessage());
      }
    });
    assertEquals(List.of(), failures);

    assertError(withToken(app, jwt(header, claims(-1), key), meetings), 401, "token_expired",
        "the access token has expired; request a new one from POST /oauth2/token", null);
    TestCalls none = TestCalls.withHeaders(app, MultiMap.caseInsensitiveMultiMap());
    assertError(none.get(meetings).await(), 401, "missing_access_token",
        "send an access token from POST /oauth2/token, or an API key, as 'Authorization: Bearer <token>'", null);
    assertError(TestCalls.withKey(app, "sk_live_nope").get(meetings).await(), 401, "invalid_api_key",
        "the API key is not valid", null);
  }

  @Test
  void aShortLivedTokenExpires() {
    Vertx own = Vertx.vertx();
    try {
      TestApp shortLived = TestApp.start(own, Map.of("CONVENE_TOKEN_TTL_SECONDS", "1")).await();
      JsonObject account = shortLived.createAccount("Brief").await();
      JsonObject issued = shortLived.client.post(TokenEndpoint.PATH).sendJsonObject(new JsonObject()
          .put("grant_type", "client_credentials")
          .put("client_id", account.getJsonObject("oauth_client").getString("client_id"))
          .put("client_secret", account.getJsonObject("oauth_client").getString("client_secret"))).await().bodyAsJsonObject();
      assertEquals(1, issued.getInteger("expires_in"));
      String path = "/v1/accounts/" + account.getString("id") + "/meetings";
      // The token lives at most a second; wait for the clock, not for a guess.
      long deadline = System.currentTimeMillis() + 10_000;
      HttpResponse<Buffer> response = withToken(shortLived, issued.getString("access_token"), path);
      while (response.statusCode() == 200 && System.currentTimeMillis() < deadline) {
        own.timer(100).await();
        response = withToken(shortLived, issued.getString("access_token"), path);
      }
      assertError(response, 401, "token_expired", "the access token has expired; request a new one from POST /oauth2/token", null);
    } finally {
      own.close().await();
    }
  }

  @Test
  void thePathAccountMustBeTheCredentials() {
    String token = app.accessToken(acme).await();
    String foreign = "/v1/accounts/" + globex.getString("id") + "/meetings";
    String message = "this credential may not act on account " + globex.getString("id");
    for (TestCalls caller : List.of(TestCalls.withKey(app, token), TestCalls.withKey(app, acme.getString("api_key")))) {
      assertError(caller.get(foreign).await(), 403, "account_forbidden", message, null);
      assertError(caller.post(foreign, new JsonObject()).await(), 403, "account_forbidden", message, null);
      assertError(caller.put(foreign + "/meet_x", new JsonObject()).await(), 403, "account_forbidden", message, null);
      assertError(caller.put(foreign + "/meet_x/cancel", null).await(), 403, "account_forbidden", message, null);
      assertError(caller.get(foreign + "/meet_x").await(), 403, "account_forbidden", message, null);
    }
  }

  /** No configured secret: the key is made once in the database, whichever instance starts first. */
  @Test
  void tokensHoldAcrossInstancesAndRestarts() {
    Database database = TestDatabase.fresh();
    Vertx first = Vertx.vertx();
    Vertx second = Vertx.vertx();
    Vertx restarted = Vertx.vertx();
    try {
      Future<TestApp> one = TestApp.start(first, database, Map.of());
      Future<TestApp> two = TestApp.start(second, database, Map.of());
      Future.all(one, two).await();
      JsonObject account = one.result().createAccount("Shared").await();
      String path = "/v1/accounts/" + account.getString("id") + "/meetings";
      String fromOne = one.result().accessToken(account).await();
      String fromTwo = two.result().accessToken(account).await();
      assertEquals(200, withToken(two.result(), fromOne, path).statusCode(), "minted by one, accepted by two");
      assertEquals(200, withToken(one.result(), fromTwo, path).statusCode(), "and the other way round");
      assertEquals(part(fromOne, 0).getString("kid"), part(fromTwo, 0).getString("kid"));
      assertEquals(1, one.result().database.pool(first).query("SELECT count(*) FROM jwt_signing_key").execute().await()
          .iterator().next().getInteger(0));

      first.close().await();
      second.close().await();
      TestApp again = TestApp.start(restarted, database, Map.of()).await();
      assertEquals(200, withToken(again, fromOne, path).statusCode(), "a restart keeps the key");
    } finally {
      first.close().await();
      second.close().await();
      restarted.close().await();
    }
  }
}
