package io.convene.http.admin;

import io.convene.auth.AdminAuthHandler;
import io.convene.http.ApiException;
import io.convene.http.Fields;
import io.convene.http.JsonBodies;
import io.convene.http.Responses;
import io.convene.tenant.Tenants;
import io.convene.tenant.Tenants.NewAccount;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The operators' API under {@code /admin/v1}: accounts and their credentials. */
public final class AdminRoutes {
  private static final int MAX_NAME_LENGTH = 200;

  private final Tenants tenants;

  private AdminRoutes(Tenants tenants) {
    this.tenants = tenants;
  }

  public static void mount(Router router, Tenants tenants, String adminToken) {
    AdminRoutes routes = new AdminRoutes(tenants);
    router.route("/admin/v1/*").handler(new AdminAuthHandler(adminToken));
    router.post("/admin/v1/accounts").handler(routes::createAccount);
    router.get("/admin/v1/accounts").handler(routes::listAccounts);
    router.post("/admin/v1/accounts/:accountId/api-keys").handler(routes::issueApiKey);
    router.delete("/admin/v1/accounts/:accountId/api-keys/:keyId").handler(routes::revokeApiKey);
    router.post("/admin/v1/accounts/:accountId/oauth-clients").handler(routes::issueOAuthClient);
    router.delete("/admin/v1/accounts/:accountId/oauth-clients/:clientId").handler(routes::revokeOAuthClient);
  }

  private void createAccount(RoutingContext ctx) {
    String name = Fields.requiredString(JsonBodies.object(ctx), "name", MAX_NAME_LENGTH);
    tenants.createAccount(name.strip())
        .onSuccess(account -> Responses.json(ctx, 201, accountJson(account)))
        .onFailure(ctx::fail);
  }

  public static JsonObject accountJson(NewAccount account) {
    return new JsonObject()
        .put("id", account.id())
        .put("name", account.name())
        .put("api_key", account.apiKey())
        .put("oauth_client", new JsonObject()
            .put("client_id", account.clientId())
            .put("client_secret", account.clientSecret()));
  }

  private void listAccounts(RoutingContext ctx) {
    tenants.listAccounts()
        .onSuccess(accounts -> Responses.ok(ctx, new JsonObject().put("success", true).put("accounts", accounts)))
        .onFailure(ctx::fail);
  }

  private void issueApiKey(RoutingContext ctx) {
    String accountId = ctx.pathParam("accountId");
    tenants.issueApiKey(accountId)
        .map(key -> found(key, accountId))
        .onSuccess(key -> Responses.json(ctx, 201, new JsonObject()
            .put("success", true).put("id", key.id()).put("api_key", key.apiKey())))
        .onFailure(ctx::fail);
  }

  private void issueOAuthClient(RoutingContext ctx) {
    String accountId = ctx.pathParam("accountId");
    tenants.issueOAuthClient(accountId)
        .map(client -> found(client, accountId))
        .onSuccess(client -> Responses.json(ctx, 201, new JsonObject()
            .put("success", true)
            .put("client_id", client.clientId())
            .put("client_secret", client.clientSecret())))
        .onFailure(ctx::fail);
  }

  private void revokeApiKey(RoutingContext ctx) {
    revoked(ctx, tenants.revokeApiKey(ctx.pathParam("accountId"), ctx.pathParam("keyId")), "API key");
  }

  private void revokeOAuthClient(RoutingContext ctx) {
    revoked(ctx, tenants.revokeOAuthClient(ctx.pathParam("accountId"), ctx.pathParam("clientId")), "OAuth client");
  }

  private static void revoked(RoutingContext ctx, Future<Boolean> revocation, String what) {
    revocation.onSuccess(done -> {
      if (!done) {
        ctx.fail(ApiException.notFound("not_found", "no live " + what + " with that id on that account"));
      } else {
        Responses.ok(ctx, new JsonObject().put("success", true));
      }
    }).onFailure(ctx::fail);
  }

  private static <T> T found(T value, String accountId) {
    if (value == null) {
      throw ApiException.notFound("account_not_found", "no account " + accountId);
    }
    return value;
  }
}
