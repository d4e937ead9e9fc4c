package io.convene.http;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A response kept for an Idempotency-Key replay that carries a secret shown once (a webhook signing
 * secret, a regenerated API key): the replay shows it again, and the stored copy is sealed, never clear.
 */
@ExtendWith(VertxExtension.class)
class SealedReplayTest {
  private TestApp app;
  private JsonObject account;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx, Map.of("CONVENE_WORKERS", "api")).await();
    account = app.createAccount("Acme").await();
  }

  @Test
  void aWebhookSecretIsReplayedButStoredSealed() {
    TestCalls keyed = TestCalls.withKey(app, account.getString("api_key")).header("Idempotency-Key", "hook-1");
    JsonObject body = new JsonObject().put("url", "https://93.184.215.14/hooks");
    HttpResponse<Buffer> first = keyed.put("/v1/platform/webhook", body).await();
    assertEquals(200, first.statusCode(), first.bodyAsString());
    String secret = first.bodyAsJsonObject().getString("secret");
    assertTrue(secret.startsWith("whsec_"), first.bodyAsString());

    HttpResponse<Buffer> replay = keyed.put("/v1/platform/webhook", body).await();
    assertEquals("true", replay.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject(), replay.bodyAsJsonObject());
    assertStoredSealed("hook-1", secret);
  }

  @Test
  void aRegeneratedKeyIsReplayedToTheNewKeyButStoredSealed() {
    TestCalls keyed = TestCalls.withKey(app, account.getString("api_key")).header("Idempotency-Key", "rotate-1");
    HttpResponse<Buffer> first = keyed.post("/v1/platform/regenerate-key", null).await();
    assertEquals(200, first.statusCode(), first.bodyAsString());
    String newKey = first.bodyAsJsonObject().getString("api_key");

    // The client lost the answer and retries; the old key is gone, so only the new one can ask again.
    HttpResponse<Buffer> replay = TestCalls.withKey(app, newKey).header("Idempotency-Key", "rotate-1")
        .post("/v1/platform/regenerate-key", null).await();
    assertEquals("true", replay.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject(), replay.bodyAsJsonObject());
    assertEquals(200, TestCalls.withKey(app, newKey).get("/v1/meetings").await().statusCode(), "the replay rotated nothing");
    assertStoredSealed("rotate-1", newKey);
  }

  @Test
  void aResponseStoredInClearByAnEarlierVersionIsStillReplayed() {
    TestCalls keyed = TestCalls.withKey(app, account.getString("api_key")).header("Idempotency-Key", "old-1");
    JsonObject body = new JsonObject().put("redirect_uris", new io.vertx.core.json.JsonArray().add("https://app.example.com/cb"));
    HttpResponse<Buffer> first = keyed.put("/v1/platform/settings", body).await();
    assertEquals(200, first.statusCode(), first.bodyAsString());
    app.database.pool(app.vertx).preparedQuery("UPDATE idempotency_keys SET response_body = $1 WHERE key = 'old-1'")
        .execute(Tuple.of(first.body())).await();
    HttpResponse<Buffer> replay = keyed.put("/v1/platform/settings", body).await();
    assertEquals("true", replay.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject(), replay.bodyAsJsonObject());
  }

  private void assertStoredSealed(String key, String secret) {
    Row row = app.database.pool(app.vertx)
        .preparedQuery("SELECT response_body FROM idempotency_keys WHERE account_id = $1 AND key = $2")
        .execute(Tuple.of(account.getString("id"), key)).await().iterator().next();
    String stored = row.getBuffer("response_body").toString(StandardCharsets.UTF_8);
    assertTrue(stored.startsWith("v1:"), stored);
    assertFalse(stored.contains(secret), "the secret is not stored in clear");
  }
}
