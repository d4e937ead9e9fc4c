package io.convene.reliability;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.TestDatabase;
import io.convene.db.Database;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credentials that were replaced or revoked stop working on the very next request on the instance
 * that did it, however they are sent, on both surfaces, and on every other instance sharing the
 * database within the documented bound (contracts.md §1; tokens end with their client). Forged tokens are in
 * AccessTokenTest, the failed-authentication limit in FailedAuthLimitTest.
 */
@ExtendWith(VertxExtension.class)
class CredentialTest {
  private static final String INVALID_KEY = "the API key is not valid";
  private static final String REVOKED_CLIENT = "the access token's OAuth client has been revoked";
  /** A notification crosses one loopback connection; the margin is for a loaded test machine. */
  private static final Duration NOTIFIED = Duration.ofMillis(1_000);
  /** Scheduling slack on a shared test machine, beyond the bound itself. */
  private static final long SLACK_MILLIS = 500;

  /** Every way a request can carry an API key, on both surfaces. */
  private static List<TestCalls> keyCallers(TestApp app, String key) {
    return List.of(TestCalls.withKey(app, key),
        TestCalls.withHeaders(app, MultiMap.caseInsensitiveMultiMap().add("X-API-Key", key)));
  }

  private static void keyWorks(TestApp app, String key, String accountId) {
    for (TestCalls caller : keyCallers(app, key)) {
      for (String path : List.of("/v1/meetings", "/v1/accounts/" + accountId + "/meetings")) {
        HttpResponse<Buffer> response = caller.get(path).await();
        assertEquals(200, response.statusCode(), path + " " + response.bodyAsString());
      }
    }
  }

  private static void keyRefused(TestApp app, String key, String accountId) {
    for (TestCalls caller : keyCallers(app, key)) {
      for (String path : List.of("/v1/meetings", "/v1/accounts/" + accountId + "/meetings")) {
        assertError(caller.get(path).await(), 401, "invalid_api_key", INVALID_KEY, null);
      }
    }
  }

  private static void tokenWorks(TestApp app, String token, String accountId) {
    for (String path : List.of("/v1/meetings", "/v1/accounts/" + accountId + "/meetings")) {
      assertEquals(200, TestCalls.withKey(app, token).get(path).await().statusCode(), path);
    }
  }

  private static String regenerate(TestApp app, String credential) {
    HttpResponse<Buffer> response = TestCalls.withKey(app, credential).post("/v1/platform/regenerate-key", null).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("api_key");
  }

  private static JsonObject issueKey(TestApp app, String accountId) {
    HttpResponse<Buffer> response = app.client.post("/admin/v1/accounts/" + accountId + "/api-keys")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static void revoke(TestApp app, String path) {
    HttpResponse<Buffer> response = app.client.delete(path).bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
  }

  /**
   * A key replaces itself (another live key of the account keeps working); called with an access
   * token, regenerate-key replaces every live key of the account, and the token keeps working.
   */
  @Test
  void aRegeneratedKeyIsRefusedAtOnceHoweverItIsSent(Vertx vertx) {
    TestApp app = TestApp.start(vertx).await();
    JsonObject acme = app.createAccount("Acme").await();
    String id = acme.getString("id");
    String first = acme.getString("api_key");
    String second = issueKey(app, id).getString("api_key");
    String token = app.accessToken(acme).await();

    String third = regenerate(app, first);
    keyRefused(app, first, id);
    keyWorks(app, second, id);
    keyWorks(app, third, id);

    String fourth = regenerate(app, token);
    keyRefused(app, second, id);
    keyRefused(app, third, id);
    keyWorks(app, fourth, id);
    tokenWorks(app, token, id);
  }

  /**
   * What one instance revokes, it refuses at its next request; another instance refuses it as soon as
   * PostgreSQL's notification reaches it, well inside a second.
   */
  @Test
  void revocationsReachEveryInstanceWithinTheBound() {
    Database database = TestDatabase.fresh();
    Vertx oneVertx = Vertx.vertx();
    Vertx twoVertx = Vertx.vertx();
    try {
      Future<TestApp> starting = TestApp.start(oneVertx, database, Map.of());
      Future<TestApp> startingToo = TestApp.start(twoVertx, database, Map.of());
      Future.all(starting, startingToo).await();
      TestApp one = starting.result();
      TestApp two = startingToo.result();
      JsonObject acme = one.createAccount("Acme").await();
      String id = acme.getString("id");
      String key = acme.getString("api_key");
      JsonObject spare = issueKey(one, id);
      String token = one.accessToken(acme).await();
      keyWorks(two, key, id);
      keyWorks(two, spare.getString("api_key"), id);
      tokenWorks(two, token, id);

      revoke(one, "/admin/v1/accounts/" + id + "/api-keys/" + spare.getString("id"));
      keyRefused(one, spare.getString("api_key"), id);
      refusedWithin(two, spare.getString("api_key"), NOTIFIED);
      keyRefused(two, spare.getString("api_key"), id);

      String replacement = regenerate(two, key);
      keyRefused(two, key, id);
      refusedWithin(one, key, NOTIFIED);
      keyRefused(one, key, id);
      keyWorks(one, replacement, id);

      revoke(one, "/admin/v1/accounts/" + id + "/oauth-clients/" + acme.getJsonObject("oauth_client").getString("client_id"));
      refusedWithin(two, token, NOTIFIED);
      for (String path : List.of("/v1/meetings", "/v1/accounts/" + id + "/meetings")) {
        assertError(TestCalls.withKey(two, token).get(path).await(), 401, "invalid_token", REVOKED_CLIENT, null);
      }
      HttpResponse<Buffer> noToken = two.client.post("/oauth2/token").sendJsonObject(new JsonObject()
          .put("grant_type", "client_credentials")
          .put("client_id", acme.getJsonObject("oauth_client").getString("client_id"))
          .put("client_secret", acme.getJsonObject("oauth_client").getString("client_secret"))).await();
      assertEquals(401, noToken.statusCode(), noToken.bodyAsString());
      assertEquals("invalid_client", noToken.bodyAsJsonObject().getString("error"));
    } finally {
      oneVertx.close().await();
      twoVertx.close().await();
    }
  }

  /**
   * With every notification lost, another instance still refuses a revoked key once its cached entry
   * lapses: within credential_cache_ttl_seconds (here 1) of the revocation; and not long before.
   */
  @Test
  void withoutNotificationsTheTimeToLiveBoundsARevocation() {
    Database database = TestDatabase.fresh();
    Vertx oneVertx = Vertx.vertx();
    Vertx twoVertx = Vertx.vertx();
    try {
      Map<String, String> env = Map.of("CONVENE_CREDENTIAL_CACHE_TTL_SECONDS", "1");
      Future<TestApp> starting = TestApp.start(oneVertx, database, env);
      Future<TestApp> startingToo = TestApp.start(twoVertx, database, env);
      Future.all(starting, startingToo).await();
      TestApp one = starting.result();
      TestApp two = startingToo.result();
      JsonObject acme = one.createAccount("Acme").await();
      String id = acme.getString("id");
      JsonObject spare = issueKey(one, id);
      one.database.pool(oneVertx).query("ALTER TABLE api_keys DISABLE TRIGGER api_keys_notify").execute().await();
      keyWorks(two, spare.getString("api_key"), id);

      long revokedAt = System.nanoTime();
      revoke(one, "/admin/v1/accounts/" + id + "/api-keys/" + spare.getString("id"));
      keyRefused(one, spare.getString("api_key"), id);
      refusedWithin(two, spare.getString("api_key"), Duration.ofMillis(1_000 + SLACK_MILLIS));
      assertTrue(Duration.ofNanos(System.nanoTime() - revokedAt).toMillis() <= 1_000 + SLACK_MILLIS);
    } finally {
      oneVertx.close().await();
      twoVertx.close().await();
    }
  }

  /** Polls until the instance refuses the credential (401), failing when that took longer than {@code bound}. */
  private static void refusedWithin(TestApp app, String credential, Duration bound) {
    long start = System.nanoTime();
    Eventually.until(app.vertx, () -> TestCalls.withKey(app, credential).get("/v1/meetings").map(HttpResponse::statusCode),
        status -> status == 401);
    long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(took <= bound.toMillis(), "refused after " + took + " ms, bound " + bound.toMillis() + " ms");
  }
}
