package io.convene.tenant;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class AdminApiTest {

  private static void assertError(HttpResponse<Buffer> response, int status, String code, String message) {
    TestCalls.assertError(response, status, code, message, null);
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code, String message, String field) {
    TestCalls.assertError(response, status, code, message, field);
  }

  @Test
  void createAccountShowsItsCredentialsOnce(Vertx vertx, VertxTestContext ctx) {
    TestApp.start(vertx).compose(app -> app.client.post("/admin/v1/accounts")
            .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
            .sendJsonObject(new JsonObject().put("name", "Acme"))
            .compose(created -> app.client.get("/admin/v1/accounts").bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send()
                .map(list -> {
                  ctx.verify(() -> {
                    assertEquals(201, created.statusCode());
                    JsonObject account = created.bodyAsJsonObject();
                    assertEquals(Map.of("id", true, "name", true, "api_key", true, "oauth_client", true),
                        keysOf(account));
                    assertEquals("Acme", account.getString("name"));
                    assertTrue(account.getString("id").startsWith("acct_"));
                    assertTrue(account.getString("api_key").matches("sk_live_[0-9A-Za-z]{44}"), account.getString("api_key"));
                    JsonObject client = account.getJsonObject("oauth_client");
                    assertTrue(client.getString("client_id").startsWith("cli_"));
                    assertTrue(client.getString("client_secret").startsWith("cs_"));

                    JsonArray accounts = list.bodyAsJsonObject().getJsonArray("accounts");
                    assertEquals(1, accounts.size());
                    JsonObject listed = accounts.getJsonObject(0);
                    assertEquals(account.getString("id"), listed.getString("id"));
                    String listing = list.bodyAsString();
                    assertTrue(!listing.contains(account.getString("api_key")), "the key is not shown again");
                    assertTrue(!listing.contains(client.getString("client_secret")), "the secret is not shown again");
                    assertEquals(client.getString("client_id"),
                        listed.getJsonArray("oauth_clients").getJsonObject(0).getString("client_id"));
                  });
                  return null;
                })))
        .compose(x -> Future.succeededFuture())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void keysAreStoredOnlyAsHashes(Vertx vertx, VertxTestContext ctx) {
    TestApp.start(vertx).compose(app -> app.createAccount("Acme").compose(account -> app.database.pool(vertx)
        .query("SELECT k.key_hash, c.secret_hash FROM api_keys k JOIN oauth_clients c USING (account_id)").execute()
        .map(rows -> {
          ctx.verify(() -> {
            var row = rows.iterator().next();
            assertEquals(32, row.getBuffer("key_hash").length());
            assertTrue(!row.getBuffer("key_hash").toString().contains(account.getString("api_key")));
            assertEquals(32, row.getBuffer("secret_hash").length());
          });
          return null;
        })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void issueAndRevokeCredentials(Vertx vertx, VertxTestContext ctx) {
    TestApp.start(vertx).compose(app -> app.createAccount("Acme").compose(account -> {
      String id = account.getString("id");
      return app.client.post("/admin/v1/accounts/" + id + "/api-keys").bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send()
          .compose(key -> app.client.post("/admin/v1/accounts/" + id + "/oauth-clients")
              .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send()
              .compose(client -> app.client.delete("/admin/v1/accounts/" + id + "/api-keys/" + key.bodyAsJsonObject().getString("id"))
                  .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send()
                  .compose(revokedKey -> app.client.delete("/admin/v1/accounts/" + id + "/api-keys/"
                          + key.bodyAsJsonObject().getString("id"))
                      .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send()
                      .compose(again -> app.client.delete("/admin/v1/accounts/" + id + "/oauth-clients/"
                              + client.bodyAsJsonObject().getString("client_id"))
                          .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send()
                          .compose(revokedClient -> app.client.post("/admin/v1/accounts/acct_missing/api-keys")
                              .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send()
                              .map(missing -> {
                                ctx.verify(() -> {
                                  assertEquals(201, key.statusCode());
                                  assertTrue(key.bodyAsJsonObject().getString("api_key").startsWith("sk_live_"));
                                  assertNotEquals(account.getString("api_key"), key.bodyAsJsonObject().getString("api_key"));
                                  assertEquals(201, client.statusCode());
                                  assertEquals(new JsonObject().put("success", true), revokedKey.bodyAsJsonObject());
                                  assertError(again, 404, "not_found", "no live API key with that id on that account");
                                  assertEquals(200, revokedClient.statusCode());
                                  assertError(missing, 404, "account_not_found", "no account acct_missing");
                                });
                                return null;
                              }))))));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void wrongAdminTokenIsUnauthorized(Vertx vertx, VertxTestContext ctx) {
    TestApp.start(vertx).compose(app -> app.client.get("/admin/v1/accounts").bearerTokenAuthentication("wrong").send()
        .compose(wrong -> app.client.get("/admin/v1/accounts").send().map(missing -> {
          ctx.verify(() -> {
            assertError(wrong, 401, "invalid_admin_token", "send the admin token as 'Authorization: Bearer <token>'");
            assertError(missing, 401, "invalid_admin_token", "send the admin token as 'Authorization: Bearer <token>'");
          });
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void adminApiIsAbsentWithoutAToken(Vertx vertx, VertxTestContext ctx) {
    Map<String, String> env = new HashMap<>();
    env.put("CONVENE_ADMIN_TOKEN", null);
    TestApp.start(vertx, env).compose(app -> app.client.post("/admin/v1/accounts")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("name", "Acme"))
        .map(response -> {
          ctx.verify(() -> assertError(response, 404, "not_found", "no route for POST /admin/v1/accounts"));
          return null;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void accountNameIsRequiredAndAString(Vertx vertx) {
    TestApp app = TestApp.start(vertx).await();
    assertError(app.client.post("/admin/v1/accounts").bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
            .sendJsonObject(new JsonObject().put("name", 42)).await(),
        400, "invalid_field", "name must be a string", "name");
    assertError(app.client.post("/admin/v1/accounts").bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
            .sendJsonObject(new JsonObject().put("label", "Acme")).await(),
        400, "invalid_field", "name is required and must be a non-empty string", "name");
  }

  @Test
  void bootstrapCreatesOneTenantOnceAndPrintsIt(Vertx vertx, VertxTestContext ctx) {
    Vertx secondVertx = Vertx.vertx();
    TestApp.start(vertx, Map.of("CONVENE_BOOTSTRAP", "true"))
        .compose(first -> TestApp.start(secondVertx, first.database, Map.of("CONVENE_BOOTSTRAP", "true"))
            .compose(second -> first.client.get("/admin/v1/accounts").bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send()
                .map(list -> {
                  ctx.verify(() -> {
                    String console = first.console();
                    assertTrue(console.contains("Convene first run: created account acct_"), console);
                    assertTrue(console.matches("(?s).*API key: +sk_live_[0-9A-Za-z]{44}.*"), console);
                    assertTrue(console.contains("OAuth client_secret: cs_"), console);
                    assertEquals("", second.console(), "a database with a tenant is not bootstrapped again");
                    assertEquals(1, list.bodyAsJsonObject().getJsonArray("accounts").size());
                  });
                  return null;
                })))
        .eventually(() -> secondVertx.close())
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Map<String, Boolean> keysOf(JsonObject json) {
    Map<String, Boolean> keys = new HashMap<>();
    json.fieldNames().forEach(k -> keys.put(k, true));
    return keys;
  }
}
