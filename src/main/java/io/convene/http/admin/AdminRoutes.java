package io.convene.http.admin;

import io.convene.auth.AdminAuthHandler;
import io.convene.calendar.CalendarConnections;
import io.convene.input.Fields;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.JsonBodies;
import io.convene.http.Responses;
import io.convene.tenant.Tenants;
import io.convene.tenant.Tenants.NewAccount;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The operators' API under {@code /admin/v1}: accounts and their credentials. */
public final class AdminRoutes {
  private static final int MAX_NAME_LENGTH = 200;

  private static final int MAX_TOKEN_LENGTH = 4096;

  private final Tenants tenants;
  private final CalendarConnections calendars;
  private final String adminToken;
  private final Handler<RoutingContext> failedAuthLimit;

  /** @param adminToken {@code null} when no admin token is configured: then no admin route is served */
  public AdminRoutes(Tenants tenants, CalendarConnections calendars, String adminToken,
                     Handler<RoutingContext> failedAuthLimit) {
    this.tenants = tenants;
    this.calendars = calendars;
    this.adminToken = adminToken;
    this.failedAuthLimit = failedAuthLimit;
  }

  /** Outside the {@code /v1} pipeline: the admin token alone, and bad tokens count in the failed-auth limit. */
  public void mount(Router router) {
    router.route("/admin/v1/*").handler(failedAuthLimit);
    if (adminToken == null) {
      return;
    }
    router.route("/admin/v1/*").handler(new AdminAuthHandler(adminToken));
    router.post("/admin/v1/accounts").handler(this::createAccount);
    router.get("/admin/v1/accounts").handler(this::listAccounts);
    router.post("/admin/v1/accounts/:accountId/api-keys").handler(this::issueApiKey);
    router.delete("/admin/v1/accounts/:accountId/api-keys/:keyId").handler(this::revokeApiKey);
    router.post("/admin/v1/accounts/:accountId/oauth-clients").handler(this::issueOAuthClient);
    router.delete("/admin/v1/accounts/:accountId/oauth-clients/:clientId").handler(this::revokeOAuthClient);
    router.post("/admin/v1/accounts/:accountId/calendar-connections").handler(this::importCalendar);
  }

  /**
   * Imports a Google Calendar connection from a refresh token obtained elsewhere (a migration), as
   * if the user had connected through Convene: {@code {"user_email", "refresh_token", "google_id"?,
   * "timezone"?}}. Google is not asked; a token it refuses shows on the first sync.
   */
  private void importCalendar(RoutingContext ctx) {
    String accountId = ctx.pathParam("accountId");
    JsonObject body = JsonBodies.object(ctx);
    String email = Fields.email(body.getValue("user_email"), "user_email");
    String refreshToken = Fields.requiredString(body, "refresh_token", MAX_TOKEN_LENGTH);
    String googleId = Fields.optionalString(body, "google_id", 254);
    String timezone = Fields.optionalString(body, "timezone", 100);
    tenants.accountExists(accountId)
        .compose(exists -> {
          found(exists ? accountId : null, accountId);
          return calendars.connect(accountId, email, googleId == null ? email : googleId, timezone, refreshToken);
        })
        .onSuccess(connection -> Responses.json(ctx, 201, new JsonObject().put("success", true).put("connection", connection)))
        .onFailure(ctx::fail);
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
