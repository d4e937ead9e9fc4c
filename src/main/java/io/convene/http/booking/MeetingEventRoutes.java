package io.convene.http.booking;

import io.convene.booking.BookableEvent;
import io.convene.booking.MeetingEvents;
import io.convene.booking.MeetingEvents.Definition;
import io.convene.booking.WeeklyTimes;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.JsonBodies;
import io.convene.http.Responses;
import io.convene.http.UrlEncoded;
import io.convene.meeting.Person;
import io.convene.tenant.Tenant;
import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.ZoneId;

/**
 * Sakari's meeting events on the Accounts surface (contracts-scheduling.md §B2): list, create, read, update (the
 * plural path and the singular one Sakari's page prints), delete and duplicate. No webhooks.
 */
public final class MeetingEventRoutes {
  static final String EVENTS = "/v1/accounts/:accountId/meetingevents";
  /** Sakari's update page prints the account segment singular; served as printed, PUT only. */
  static final String SINGULAR = "/v1/account/:accountId/meetingevents/:meetingEventId";
  private static final int DEFAULT_PAGE = 20;
  private static final int MAX_PAGE = 100;
  private static final String COPY = " (copy)";

  private final MeetingEvents events;
  private final String publicBaseUrl;

  public MeetingEventRoutes(MeetingEvents events, String publicBaseUrl) {
    this.events = events;
    this.publicBaseUrl = publicBaseUrl;
  }

  public void mount(Router router) {
    router.get(EVENTS).handler(this::list);
    router.post(EVENTS).handler(this::create);
    router.get(EVENTS + "/:meetingEventId").handler(this::get);
    router.put(EVENTS + "/:meetingEventId").handler(this::update);
    router.put(SINGULAR).handler(this::update);
    router.delete(EVENTS + "/:meetingEventId").handler(this::delete);
    router.post(EVENTS + "/:meetingEventId/duplicate").handler(this::duplicate);
  }

  private void list(RoutingContext ctx) {
    int offset = Fields.queryInt(UrlEncoded.query(ctx, "offset"), "offset", 0, Integer.MAX_VALUE, 0);
    int limit = Fields.queryInt(UrlEncoded.query(ctx, "limit"), "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    events.list(Tenant.of(ctx).accountId(), offset, limit)
        .onSuccess(page -> {
          JsonArray data = new JsonArray();
          page.events().forEach(e -> data.add(json(e)));
          Responses.ok(ctx, success(data)
              .put("pagination", new JsonObject().put("limit", limit).put("offset", offset).put("hasNext", page.hasNext())));
        })
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    String accountId = Tenant.of(ctx).accountId();
    MeetingEventInput.Body body = MeetingEventInput.parse(JsonBodies.object(ctx));
    definition(accountId, body)
        .compose(d -> events.create(accountId, d))
        .onSuccess(e -> Responses.json(ctx, 201, success(json(e))))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    events.get(Tenant.of(ctx).accountId(), ctx.pathParam("meetingEventId"))
        .onSuccess(e -> Responses.ok(ctx, success(json(e))))
        .onFailure(ctx::fail);
  }

  /** A full replacement of the mutable fields; an absent slug is kept (it is the public address). */
  private void update(RoutingContext ctx) {
    String accountId = Tenant.of(ctx).accountId();
    String id = ctx.pathParam("meetingEventId");
    MeetingEventInput.Body body = MeetingEventInput.parse(JsonBodies.object(ctx));
    definition(accountId, body)
        .compose(d -> events.update(accountId, id, d))
        .onSuccess(e -> Responses.ok(ctx, success(json(e))))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    events.delete(Tenant.of(ctx).accountId(), ctx.pathParam("meetingEventId"))
        .onSuccess(e -> Responses.ok(ctx, success(json(e))))
        .onFailure(ctx::fail);
  }

  /** A copy under a new name (default "<name> (copy)") and a slug made from it; all else as the original. */
  private void duplicate(RoutingContext ctx) {
    String accountId = Tenant.of(ctx).accountId();
    boolean hasBody = ctx.body().buffer() != null && ctx.body().buffer().length() > 0;
    String name = hasBody ? Fields.optionalString(JsonBodies.object(ctx), "name", MeetingEventInput.MAX_NAME) : null;
    if (name != null && name.isBlank()) {
      throw ApiException.invalidField("name", "name is required and must be a non-empty string");
    }
    events.get(accountId, ctx.pathParam("meetingEventId"))
        .compose(original -> events.create(accountId, new Definition(
            name != null ? name : copyName(original.name()), null, original.description(), original.durations(),
            original.connection() == null ? null : original.connection().id(), original.allowAdditionalAttendees(),
            original.availability(), original.hosts())))
        .onSuccess(e -> Responses.json(ctx, 201, success(json(e))))
        .onFailure(ctx::fail);
  }

  private static String copyName(String name) {
    String copy = name + COPY;
    return copy.length() <= MeetingEventInput.MAX_NAME ? copy
        : name.substring(0, MeetingEventInput.MAX_NAME - COPY.length()) + COPY;
  }

  /** The body with its connection checked and the defaults of §B1 filled in (zone, times, at least one host). */
  private Future<Definition> definition(String accountId, MeetingEventInput.Body body) {
    Future<MeetingEvents.Connection> connection = body.calendarConnectionId() == null ? Future.succeededFuture(null)
        : events.connection(accountId, body.calendarConnectionId());
    return connection.map(c -> {
      if (body.calendarConnectionId() != null && c == null) {
        throw ApiException.badRequest("unknown_calendar_connection",
            "calendar.connection.id names no calendar connection of this account", "calendar.connection.id");
      }
      if (c == null && body.hosts().isEmpty()) {
        throw ApiException.badRequest("host_required",
            "a meeting event needs a host: a calendar connection (its user hosts) or at least one of hosts", "hosts");
      }
      ZoneId zone = body.timezone() != null ? ZoneId.of(body.timezone()) : MeetingEvents.defaultZone(c);
      WeeklyTimes times = body.times() != null ? new WeeklyTimes(zone, body.times()) : WeeklyTimes.standard(zone);
      return new Definition(body.name(), body.slug(), body.description(), body.durations(), body.calendarConnectionId(),
          body.allowAdditionalAttendees(), times, body.hosts());
    });
  }

  static JsonObject success(Object data) {
    return new JsonObject().put("success", true).put("data", data);
  }

  /** The MeetingEvent object of §B1. */
  private JsonObject json(BookableEvent e) {
    JsonArray hosts = new JsonArray();
    for (Person p : e.hosts()) {
      JsonObject host = new JsonObject().put("email", p.email()).put("firstName", p.firstName()).put("lastName", p.lastName());
      if (p.mobile() != null) {
        host.put("mobile", p.mobile().copy());
      }
      hosts.add(host);
    }
    return new JsonObject()
        .put("id", e.id())
        .put("name", e.name())
        .put("slug", e.slug())
        .put("description", e.description())
        .put("durations", new JsonArray(e.durations()))
        .put("calendar", new JsonObject().put("connection", e.connection() == null ? null : e.connection().toAccountsJson()))
        .put("allowAdditionalAttendees", e.allowAdditionalAttendees())
        .put("availability", e.availability().toJson())
        .put("hosts", hosts)
        .put("bookingUrl", publicBaseUrl + "/public/v1/meetingevents/" + e.slug())
        .put("createdAt", Rfc3339.formatUtc(e.createdAt()))
        .put("updatedAt", Rfc3339.formatUtc(e.updatedAt()));
  }
}
