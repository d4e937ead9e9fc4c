package io.convene.http.platform;

import io.convene.http.UrlEncoded;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.Idempotency;
import io.convene.http.JsonBodies;
import io.convene.http.Responses;
import io.convene.http.WebhookInput;
import io.convene.outbox.Outbox;
import io.convene.tenant.Tenant;
import io.convene.time.Rfc3339;
import io.convene.webhook.WebhookDeliveryLog;
import io.convene.webhook.WebhookDeliveryLog.Delivery;
import io.convene.webhook.WebhookDeliveryLog.LogQuery;
import io.convene.webhook.WebhookEndpoint;
import io.convene.webhook.WebhookEndpoints;
import io.convene.webhook.WebhookEndpoints.Issued;
import io.convene.webhook.WebhookEndpoints.PrimaryChange;
import io.convene.webhook.WebhookTargets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/**
 * The Platform API's webhook (Syncline's dialect): the primary endpoint's configuration, the delivery
 * log, a test event, and redelivery.
 */
public final class PlatformWebhookRoutes {
  static final int DEFAULT_LOG_PAGE = 50;
  static final int MAX_LOG_PAGE = 200;
  private static final int MAX_EVENT_FILTER = 100;
  private static final Set<String> STATUSES = Set.of(WebhookDeliveryLog.SUCCESS, WebhookDeliveryLog.FAILED,
      WebhookDeliveryLog.PENDING);

  private final WebhookEndpoints endpoints;
  private final WebhookDeliveryLog deliveries;
  private final WebhookTargets targets;

  public PlatformWebhookRoutes(WebhookEndpoints endpoints, WebhookDeliveryLog deliveries, WebhookTargets targets) {
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.targets = targets;
  }

  public void mount(Router router) {
    router.get("/v1/platform/webhook").handler(this::read);
    router.put("/v1/platform/webhook").handler(this::configure);
    router.get("/v1/platform/webhook/logs").handler(this::log);
    router.post("/v1/platform/webhook/test").handler(this::test);
    router.get("/v1/platform/webhook/deliveries/:deliveryId").handler(this::delivery);
    router.post("/v1/platform/webhook/deliveries/:deliveryId/redeliver").handler(this::redeliver);
  }

  private void read(RoutingContext ctx) {
    endpoints.primary(Tenant.of(ctx).accountId())
        .onSuccess(primary -> {
          if (primary == null) {
            ctx.fail(notConfigured());
          } else {
            Responses.ok(ctx, config(new Issued(primary, null)));
          }
        })
        .onFailure(ctx::fail);
  }

  /** Creates or changes the primary endpoint; omitted fields keep their value (defaults on creation). */
  private void configure(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    Object url = body.getValue("url");
    Boolean enabled = body.getValue("enabled") == null ? null : Fields.optionalBoolean(body, "enabled", true);
    List<String> events = WebhookInput.eventTypes(body, "events");
    Integer maxRetries = WebhookInput.optionalInt(body, "max_retries", 0, WebhookEndpoint.MAX_RETRIES);
    Integer timeout = WebhookInput.optionalInt(body, "timeout_seconds", 1, WebhookEndpoint.MAX_TIMEOUT_SECONDS);
    boolean rotate = Fields.optionalBoolean(body, "rotate_secret", false);
    String accountId = Tenant.of(ctx).accountId();
    (url == null ? Future.<String>succeededFuture() : WebhookInput.url(targets, url, "url"))
        .compose(checked -> endpoints.changePrimary(accountId,
            new PrimaryChange(checked, enabled, events, maxRetries, timeout, rotate),
            Idempotency.recordWith(ctx, 200, PlatformWebhookRoutes::config)))
        .onSuccess(issued -> {
          if (issued == null) {
            ctx.fail(ApiException.invalidField("url", "url is required to set up the webhook"));
          } else {
            Responses.ok(ctx, config(issued));
          }
        })
        .onFailure(ctx::fail);
  }

  /** Newest first, cursor-paginated, filtered by {@code event} and {@code status}. */
  private void log(RoutingContext ctx) {
    int limit = Fields.queryInt(UrlEncoded.query(ctx, "limit"), "limit", 1, MAX_LOG_PAGE, DEFAULT_LOG_PAGE);
    String cursor = UrlEncoded.query(ctx, "cursor");
    Long before = null;
    if (cursor != null && !cursor.isEmpty()) {
      before = PlatformJson.seqOf(cursor);
      if (before == null) {
        throw ApiException.badRequest("invalid_cursor", "cursor is not one this API returned", "cursor");
      }
    }
    String event = UrlEncoded.query(ctx, "event");
    if (event != null && (event.isEmpty() || event.length() > MAX_EVENT_FILTER)) {
      throw ApiException.invalidField("event", "event must be an event type such as meeting.updated");
    }
    String status = UrlEncoded.query(ctx, "status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.invalidField("status", "status must be success, failed or pending");
    }
    deliveries.log(Tenant.of(ctx).accountId(), new LogQuery(event, status, before, limit))
        .onSuccess(page -> {
          JsonArray items = new JsonArray();
          page.deliveries().forEach(d -> items.add(entry(d)));
          String next = page.hasMore() ? PlatformJson.cursor(page.deliveries().get(page.deliveries().size() - 1).seq()) : null;
          Responses.ok(ctx, new JsonObject()
              .put("success", true)
              .put("deliveries", items)
              .put("pagination", new JsonObject().put("next_cursor", next).put("has_more", page.hasMore())));
        })
        .onFailure(ctx::fail);
  }

  /** Sends a {@code webhook.test} event to the primary endpoint; its outcome shows in the log. */
  private void test(RoutingContext ctx) {
    String accountId = Tenant.of(ctx).accountId();
    endpoints.primary(accountId)
        .compose(primary -> primary == null ? Future.failedFuture(notConfigured())
            : deliveries.queueTest(accountId, primary.id(), Idempotency.recordWith(ctx, 202, PlatformWebhookRoutes::queued)))
        .onSuccess(delivery -> queued(ctx, delivery))
        .onFailure(e -> ctx.fail(WebhookInput.failure(e)));
  }

  private void delivery(RoutingContext ctx) {
    String deliveryId = ctx.pathParam("deliveryId");
    deliveries.get(Tenant.of(ctx).accountId(), deliveryId)
        .compose(delivery -> delivery == null ? Future.failedFuture(deliveryNotFound(deliveryId))
            : deliveries.attempts(delivery).map(attempts -> {
              JsonArray log = new JsonArray();
              attempts.forEach(a -> log.add(new JsonObject()
                  .put("timestamp", Rfc3339.formatUtc(a.at()))
                  .put("url", a.url())
                  .put("response_code", a.responseCode())
                  .put("duration_ms", a.durationMs())
                  .put("error", a.error())
                  .put("response_body", a.responseSnippet())));
              return entry(delivery).put("attempt_log", log);
            }))
        .onSuccess(json -> Responses.ok(ctx, new JsonObject().put("success", true).put("delivery", json)))
        .onFailure(ctx::fail);
  }

  /** The same event, to the same endpoint, as a new delivery: the receiver sees the same {@code webhook-id}. */
  private void redeliver(RoutingContext ctx) {
    String deliveryId = ctx.pathParam("deliveryId");
    deliveries.redeliver(Tenant.of(ctx).accountId(), deliveryId,
            Idempotency.recordWith(ctx, 202, PlatformWebhookRoutes::queued))
        .compose(delivery -> delivery == null ? Future.failedFuture(deliveryNotFound(deliveryId))
            : Future.succeededFuture(delivery))
        .onSuccess(delivery -> queued(ctx, delivery))
        .onFailure(e -> ctx.fail(WebhookInput.failure(e)));
  }

  private static void queued(RoutingContext ctx, Delivery delivery) {
    ctx.vertx().eventBus().publish(Outbox.WEBHOOKS_QUEUED, null);
    Responses.json(ctx, 202, queued(delivery));
  }

  private static JsonObject queued(Delivery delivery) {
    return new JsonObject().put("success", true).put("delivery", entry(delivery));
  }

  /** The config as PUT takes it, plus the secret when this call issued one (shown this once). */
  private static JsonObject config(Issued issued) {
    WebhookEndpoint e = issued.endpoint();
    JsonObject out = new JsonObject()
        .put("success", true)
        .put("id", e.id())
        .put("url", e.url())
        .put("enabled", e.enabled())
        .put("events", new JsonArray(e.eventTypes()))
        .put("max_retries", e.maxRetries())
        .put("timeout_seconds", e.timeoutSeconds())
        .put("disabled_reason", e.disabledReason());
    if (issued.secret() != null) {
      out.put("secret", issued.secret());
    }
    return out;
  }

  static JsonObject entry(Delivery d) {
    return new JsonObject()
        .put("id", d.id())
        .put("event", d.eventType())
        .put("event_id", d.eventId())
        .put("timestamp", Rfc3339.formatUtc(d.createdAt()))
        .put("status", d.status())
        .put("response_code", d.responseCode())
        .put("attempts", d.attempts())
        .put("duration_ms", d.durationMs())
        .put("error", d.error())
        .put("url", d.url())
        .put("next_attempt_at", time(d.nextAttemptAt()));
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : Rfc3339.formatUtc(t);
  }

  private static ApiException notConfigured() {
    return ApiException.notFound("webhook_not_configured", "no webhook is set up; PUT /v1/platform/webhook first");
  }

  private static ApiException deliveryNotFound(String deliveryId) {
    return ApiException.notFound("delivery_not_found", "delivery " + deliveryId + " not found");
  }
}
