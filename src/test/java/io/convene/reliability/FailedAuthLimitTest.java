package io.convene.reliability;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Credential guessing is slowed down per client address, on every authenticated surface. */
@ExtendWith(VertxExtension.class)
class FailedAuthLimitTest {

  @Test
  void repeatedFailuresFromOneAddressAreRateLimited(Vertx vertx) {
    TestApp app = TestApp.start(vertx, Map.of("CONVENE_AUTH_FAILURES_PER_MINUTE", "3")).await();
    String key = app.createAccount("Acme").await().getString("api_key");
    TestCalls guesser = TestCalls.withKey(app, "sk_live_" + "x".repeat(44));
    for (int i = 0; i < 3; i++) {
      assertEquals(401, guesser.get("/v1/meetings").await().statusCode());
    }
    HttpResponse<Buffer> limited = guesser.get("/v1/meetings").await();
    assertEquals(429, limited.statusCode(), limited.bodyAsString());
    assertEquals("too_many_failed_attempts", limited.bodyAsJsonObject().getJsonObject("error").getString("code"));
    long retryAfter = Long.parseLong(limited.getHeader("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 20, "Retry-After " + retryAfter);

    assertEquals(429, TestCalls.withKey(app, key).get("/v1/meetings").await().statusCode(),
        "while limited, the address is refused before any credential is looked at");
    assertEquals(429, app.client.get("/admin/v1/accounts").bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await()
        .statusCode(), "the admin API too");
    HttpResponse<Buffer> token = app.client.post("/oauth2/token").sendJsonObject(new JsonObject()
        .put("grant_type", "client_credentials").put("client_id", "cli_x").put("client_secret", "cs_y")).await();
    assertEquals(429, token.statusCode(), "the token endpoint too");
    assertEquals("invalid_request", token.bodyAsJsonObject().getString("error"), "in RFC 6749's shape there");
    assertEquals(200, app.client.get("/health").send().await().statusCode(), "probes stay open");
  }

  /**
   * Each surface's failures count on their own, from their own address (127.0.0.2, ...: all of
   * 127/8 is loopback): a wrong API key, a forged access token, no credential, a wrong admin token,
   * a wrong client secret. Another address is not held back meanwhile.
   */
  @Test
  void failuresOnEverySurfaceCountPerAddress(Vertx vertx) {
    TestApp app = TestApp.start(vertx, Map.of("CONVENE_AUTH_FAILURES_PER_MINUTE", "3")).await();
    JsonObject acme = app.createAccount("Acme").await();
    String accounts = "/v1/accounts/" + acme.getString("id") + "/meetings";
    JsonObject wrongSecret = new JsonObject().put("grant_type", "client_credentials")
        .put("client_id", acme.getJsonObject("oauth_client").getString("client_id")).put("client_secret", "cs_wrong");
    Map<String, java.util.function.Function<WebClient, HttpResponse<Buffer>>> surfaces = new java.util.LinkedHashMap<>();
    surfaces.put("Platform API, wrong key", c -> c.get("/v1/meetings").bearerTokenAuthentication("sk_live_" + "x".repeat(44))
        .send().await());
    surfaces.put("Accounts API, forged token", c -> c.get(accounts).bearerTokenAuthentication("eyJhbGciOiJIUzI1NiJ9.e30.AAAA")
        .send().await());
    surfaces.put("no credential", c -> c.get("/v1/meetings").send().await());
    surfaces.put("admin API, wrong token", c -> c.get("/admin/v1/accounts").bearerTokenAuthentication("not-the-admin-token")
        .send().await());
    surfaces.put("token endpoint, wrong secret", c -> c.post("/oauth2/token").sendJsonObject(wrongSecret).await());
    int address = 2;
    for (var surface : surfaces.entrySet()) {
      WebClient from = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(app.config.httpPort()).setLocalAddress("127.0.0." + address++));
      for (int i = 0; i < 3; i++) {
        assertEquals(401, surface.getValue().apply(from).statusCode(), surface.getKey());
      }
      assertEquals(429, surface.getValue().apply(from).statusCode(), surface.getKey() + " is limited after 3 failures");
      from.close();
    }
    assertEquals(200, TestCalls.withKey(app, acme.getString("api_key")).get("/v1/meetings").await().statusCode(),
        "127.0.0.1 failed nothing and is not held back");
  }

  @Test
  void successesCostNothing(Vertx vertx) {
    TestApp app = TestApp.start(vertx, Map.of("CONVENE_AUTH_FAILURES_PER_MINUTE", "2")).await();
    TestCalls acme = TestCalls.withKey(app, app.createAccount("Acme").await().getString("api_key"));
    for (int i = 0; i < 10; i++) {
      assertEquals(200, acme.get("/v1/meetings").await().statusCode());
    }
  }
}
