package io.convene.http.platform;

import io.convene.input.Fields;
import io.convene.http.JsonBodies;
import io.convene.http.Responses;
import io.convene.scheduling.Availability;
import io.convene.scheduling.Availability.Query;
import io.convene.tenant.Tenant;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** {@code POST /v1/availability} (contracts-scheduling.md §A6): the best mutual slots, a read although a POST. */
public final class AvailabilityRoutes {
  static final int DEFAULT_DURATION = 30;
  static final int MIN_DURATION = 15;
  static final int MAX_DURATION = 120;
  static final int MAX_CONTEXT = 500;
  static final String URGENT = "urgent";

  private final Availability availability;

  public AvailabilityRoutes(Availability availability) {
    this.availability = availability;
  }

  public void mount(Router router) {
    router.post("/v1/availability").handler(this::find);
  }

  private void find(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    List<String> attendees = SchedulingInput.attendees(body);
    int duration = body.getValue("duration_minutes") == null ? DEFAULT_DURATION
        : Fields.requiredInt(body, "duration_minutes", MIN_DURATION, MAX_DURATION);
    SchedulingInput.Window window = SchedulingInput.window(body);
    String context = Fields.optionalString(body, "context", MAX_CONTEXT);
    availability.find(Tenant.of(ctx).accountId(), new Query(attendees, "attendees", duration, window.from(), window.to(),
            window.field(), URGENT.equals(context), null, null))
        .onSuccess(found -> Responses.ok(ctx, new JsonObject()
            .put("slots", SchedulingInput.slots(found.result().slots(), found.window().zone()))
            .put("total_found", found.result().slots().size())
            .put("search_window", SchedulingInput.searchWindow(found.window()))))
        .onFailure(ctx::fail);
  }
}
