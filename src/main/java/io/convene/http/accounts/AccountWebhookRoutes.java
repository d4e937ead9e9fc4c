package io.convene.http.accounts;

import io.convene.http.UrlEncoded;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.Idempotency;
import io.convene.http.JsonBodies;
import io.convene.http.Responses;
import io.convene.http.WebhookInput;
import io.convene.tenant.Tenant;
import io.convene.webhook.WebhookEndpoint;
import io.convene.webhook.WebhookEndpoints;
import io.convene.webhook.WebhookEndpoints.Issued;
import io.convene.webhook.WebhookTargets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * The Accounts API's webhooks (Sakari's dialect): {@code {"url", "eventTypes"}} in,
 * {@code {"success": true, "data": {"id", "type", "eventTypes", "destination"}}} out. The same
 * endpoints as the Platform API's (the primary one among them), the same events and envelope.
 */
public final class AccountWebhookRoutes {
  static final String DESTINATION_TYPE = "url";
  static final int DEFAULT_PAGE = 20;
  static final int MAX_PAGE = 100;

  private final WebhookEndpoints endpoints;
  private final WebhookTargets targets;

  public AccountWebhookRoutes(WebhookEndpoints endpoints, WebhookTargets targets) {
    this.endpoints = endpoints;
    this.targets = targets;
  }

  public void mount(Router router) {
    router.post("/v1/accounts/:accountId/webhooks").handler(this::create);
    router.get("/v1/accounts/:accountId/webhooks").handler(this::list);
    router.delete("/v1/accounts/:accountId/webhooks/:webhookId").handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    if (body.getValue("url") == null) {
      throw ApiException.invalidField("url", "url is required");
    }
    List<String> eventTypes = WebhookInput.eventTypes(body, "eventTypes");
    String accountId = Tenant.of(ctx).accountId();
    WebhookInput.url(targets, body.getValue("url"), "url")
        .compose(url -> endpoints.create(accountId, url, eventTypes,
            Idempotency.recordWith(ctx, 201, AccountWebhookRoutes::created)))
        .onSuccess(issued -> Responses.json(ctx, 201, created(issued)))
        .onFailure(ctx::fail);
  }

  private static JsonObject created(Issued issued) {
    return new JsonObject().put("success", true).put("data", json(issued.endpoint()).put("secret", issued.secret()));
  }

  private void list(RoutingContext ctx) {
    int offset = Fields.queryInt(UrlEncoded.query(ctx, "offset"), "offset", 0, Integer.MAX_VALUE - MAX_PAGE, 0);
    int limit = Fields.queryInt(UrlEncoded.query(ctx, "limit"), "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    endpoints.list(Tenant.of(ctx).accountId(), offset, limit + 1)
        .onSuccess(found -> {
          boolean hasNext = found.size() > limit;
          JsonArray data = new JsonArray();
          (hasNext ? found.subList(0, limit) : found).forEach(e -> data.add(json(e)));
          Responses.ok(ctx, new JsonObject()
              .put("success", true)
              .put("data", data)
              .put("pagination", new JsonObject().put("limit", limit).put("offset", offset).put("hasNext", hasNext)));
        })
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String webhookId = ctx.pathParam("webhookId");
    endpoints.delete(Tenant.of(ctx).accountId(), webhookId, Idempotency.recordWith(ctx, 200, AccountWebhookRoutes::deleted))
        .onSuccess(gone -> {
          if (gone == null) {
            ctx.fail(ApiException.notFound("webhook_not_found", "webhook " + webhookId + " not found"));
          } else {
            Responses.ok(ctx, deleted(gone));
          }
        })
        .onFailure(ctx::fail);
  }

  private static JsonObject deleted(WebhookEndpoint e) {
    return new JsonObject().put("success", true).put("data", json(e));
  }

  private static JsonObject json(WebhookEndpoint e) {
    return new JsonObject()
        .put("id", e.id())
        .put("type", DESTINATION_TYPE)
        .put("eventTypes", new JsonArray(e.eventTypes()))
        .put("destination", e.url());
  }
}
