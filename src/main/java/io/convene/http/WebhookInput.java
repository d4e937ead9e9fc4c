package io.convene.http;

import io.convene.input.Fields;
import io.convene.errors.ApiException;
import io.convene.webhook.WebhookDeliveryLog;
import io.convene.webhook.WebhookEndpoint;
import io.convene.webhook.WebhookTargets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Webhook settings as both surfaces read them, with the errors both give. */
public final class WebhookInput {
  private WebhookInput() {
  }

  /** The URL once it passed the target check (form, scheme, public address); else a 400 naming the field. */
  public static Future<String> url(WebhookTargets targets, Object value, String field) {
    return targets.check(value).recover(error -> Future.failedFuture(error instanceof WebhookTargets.Refused refused
        ? ApiException.badRequest(refused.code(), field + " " + refused.getMessage(), field)
        : error));
  }

  /** Subscribed event types, without repeats; {@code null} when absent. */
  public static List<String> eventTypes(JsonObject body, String field) {
    if (body.getValue(field) == null) {
      return null;
    }
    JsonArray given = Fields.requiredArray(body, field);
    if (given.isEmpty()) {
      throw ApiException.invalidField(field, field + " must list at least one event type");
    }
    Set<String> types = new LinkedHashSet<>();
    for (Object type : given) {
      if (!(type instanceof String name) || !WebhookEndpoint.EVENT_TYPES.contains(name)) {
        throw ApiException.badRequest("unknown_event_type", field + " holds " + (type instanceof String ? "'" + type + "'"
            : "a non-string") + "; known event types: " + String.join(", ", WebhookEndpoint.EVENT_TYPES), field);
      }
      types.add(name);
    }
    return new ArrayList<>(types);
  }

  /** A whole number in range when present, else {@code null}. */
  public static Integer optionalInt(JsonObject body, String field, int min, int max) {
    return body.getValue(field) == null ? null : Fields.requiredInt(body, field, min, max);
  }

  /** A redelivery or test that cannot be queued is a 409 with the reason. */
  public static Throwable failure(Throwable error) {
    return error instanceof WebhookDeliveryLog.Conflict conflict
        ? ApiException.conflict(conflict.code(), conflict.getMessage())
        : error;
  }
}
