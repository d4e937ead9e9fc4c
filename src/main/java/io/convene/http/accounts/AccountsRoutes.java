package io.convene.http.accounts;

import io.convene.calendar.CalendarConnections;
import io.convene.http.UrlEncoded;
import io.convene.errors.ApiException;
import io.convene.input.Fields;
import io.convene.http.Idempotency;
import io.convene.http.JsonBodies;
import io.convene.http.Preconditions;
import io.convene.http.Responses;
import io.convene.http.accounts.AccountsJson.MeetingBody;
import io.convene.meeting.Meeting;
import io.convene.meeting.MeetingChange;
import io.convene.meeting.MeetingChange.Replace;
import io.convene.meeting.MeetingCommand.CancelMeeting;
import io.convene.meeting.MeetingCommand.CreateMeeting;
import io.convene.meeting.MeetingCommand.GetMeeting;
import io.convene.meeting.MeetingCommand.ListMeetings;
import io.convene.meeting.MeetingCommand.UpdateMeeting;
import io.convene.meeting.MeetingFilter;
import io.convene.meeting.MeetingStore;
import io.convene.meeting.MeetingStoreException;
import io.convene.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The Accounts API (Sakari's dialect): meetings under {@code /v1/accounts/{accountId}}. */
public final class AccountsRoutes {
  static final String ACCOUNT = "/v1/accounts/:accountId";
  static final String MEETINGS = ACCOUNT + "/meetings";
  static final int DEFAULT_PAGE = 20;
  static final int MAX_PAGE = 100;

  private final MeetingStore store;
  private final CalendarConnections calendars;
  private final int maxAttendees;

  public AccountsRoutes(MeetingStore store, CalendarConnections calendars, int maxAttendees) {
    this.store = store;
    this.calendars = calendars;
    this.maxAttendees = maxAttendees;
  }

  public void mount(Router router) {
    router.get(MEETINGS).handler(this::list);
    router.post(MEETINGS).handler(this::create);
    router.get(MEETINGS + "/:meetingId").handler(this::get);
    router.put(MEETINGS + "/:meetingId").handler(this::update);
    router.put(MEETINGS + "/:meetingId/cancel").handler(this::cancel);
  }

  /** Convene's own addition: the update body without {@code id}. A new meeting cannot start cancelled. */
  private void create(RoutingContext ctx) {
    MeetingBody body = AccountsJson.meetingBody(JsonBodies.object(ctx), maxAttendees);
    if (body.cancelled()) {
      throw ApiException.invalidField("cancelled", "cancelled must be false or absent when creating a meeting");
    }
    String accountId = Tenant.of(ctx).accountId();
    requireOwnConnection(accountId, body.draft().calendarConnectionId())
        .compose(ok -> store.send(new CreateMeeting(accountId, body.draft(), false,
            Idempotency.recordWithChange(ctx, 201, AccountsRoutes::answer))))
        .onSuccess(m -> Responses.meeting(ctx, 201, m, answer(m)))
        .onFailure(e -> ctx.fail(failure(e, null)));
  }

  /** The seed: a full replacement of the mutable fields; {@code cancelled: true} also cancels. */
  private void update(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    JsonObject json = JsonBodies.object(ctx);
    AccountsJson.requireIdOfPath(json, meetingId);
    MeetingBody body = AccountsJson.meetingBody(json, maxAttendees);
    String accountId = Tenant.of(ctx).accountId();
    Replace change = new Replace(body.draft(), body.cancelled(), MeetingChange.DEFAULT_UPDATE_REASON);
    requireOwnConnection(accountId, body.draft().calendarConnectionId())
        .compose(ok -> store.send(new UpdateMeeting(accountId, meetingId, Preconditions.expectedVersion(ctx, meetingId),
            change, Idempotency.recordWithChange(ctx, 200, AccountsRoutes::answer))))
        .onSuccess(m -> Responses.meeting(ctx, 200, m, answer(m)))
        .onFailure(e -> ctx.fail(failure(e, meetingId)));
  }

  private void cancel(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    store.send(new CancelMeeting(Tenant.of(ctx).accountId(), meetingId, Preconditions.expectedVersion(ctx, meetingId),
            Idempotency.recordWithChange(ctx, 200, AccountsRoutes::answer)))
        .onSuccess(m -> Responses.meeting(ctx, 200, m, answer(m)))
        .onFailure(e -> ctx.fail(failure(e, meetingId)));
  }

  /** A meeting as every meeting route of this surface answers it. */
  private static JsonObject answer(Meeting m) {
    return AccountsJson.success(AccountsJson.meeting(m));
  }

  private void get(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    store.send(new GetMeeting(Tenant.of(ctx).accountId(), meetingId))
        .onSuccess(m -> Responses.meeting(ctx, 200, m, answer(m)))
        .onFailure(e -> ctx.fail(failure(e, meetingId)));
  }

  /** Filters: {@code attendee} (an attendee's id), {@code host} (a host's id), {@code name} (part of it, any case). */
  private void list(RoutingContext ctx) {
    int offset = Fields.queryInt(UrlEncoded.query(ctx, "offset"), "offset", 0, Integer.MAX_VALUE, 0);
    int limit = Fields.queryInt(UrlEncoded.query(ctx, "limit"), "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    MeetingFilter filter = new MeetingFilter(null, query(ctx, "attendee", AccountsJson.MAX_ID),
        query(ctx, "host", AccountsJson.MAX_ID), query(ctx, "name", AccountsJson.MAX_NAME), null, null, null, null);
    store.send(new ListMeetings(Tenant.of(ctx).accountId(), filter, null, offset, limit))
        .onSuccess(page -> {
          JsonArray data = new JsonArray();
          page.meetings().forEach(m -> data.add(AccountsJson.meeting(m)));
          Responses.ok(ctx, AccountsJson.success(data)
              .put("pagination", new JsonObject().put("limit", limit).put("offset", offset).put("hasNext", page.hasMore())));
        })
        .onFailure(e -> ctx.fail(failure(e, null)));
  }

  /** A query filter; sent empty, it filters nothing. */
  private static String query(RoutingContext ctx, String name, int maxLength) {
    String value = Fields.string(UrlEncoded.query(ctx, name), name, maxLength);
    return value == null || value.isEmpty() ? null : value;
  }

  /**
   * A calendar connection named in a request must be one of the account's. There are none until
   * Google Calendar connections arrive, so every id is unknown; this is the one place to change then.
   */
  private Future<Void> requireOwnConnection(String accountId, String connectionId) {
    if (connectionId == null) {
      return Future.succeededFuture();
    }
    return calendars.findForAccount(accountId, connectionId).map(found -> {
      if (found == null) {
        throw ApiException.badRequest("unknown_calendar_connection",
            "calendar.connection.id names no calendar connection of this account", "calendar.connection.id");
      }
      return null;
    });
  }

  /** Unlike Syncline, Sakari's dialect tells a cancelled meeting (409, final) from a missing one (404). */
  private static Throwable failure(Throwable error, String meetingId) {
    if (!(error instanceof MeetingStoreException store)) {
      return error;
    }
    return switch (store.kind()) {
      case NOT_FOUND -> ApiException.notFound("meeting_not_found", "meeting " + meetingId + " not found");
      case CANCELLED -> ApiException.conflict("meeting_cancelled",
          "meeting " + meetingId + " is cancelled; cancellation is final");
      case VERSION_MISMATCH -> ApiException.preconditionFailed(
          "If-Match does not match the meeting's current ETag; read it again and retry");
      default -> error;
    };
  }
}
