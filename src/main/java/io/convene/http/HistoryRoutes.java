package io.convene.http;

import io.convene.input.Fields;
import io.convene.errors.ApiException;
import io.convene.history.MeetingHistory;
import io.convene.history.MeetingHistory.Item;
import io.convene.history.MeetingHistory.Page;
import io.convene.tenant.Tenant;
import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.temporal.ChronoUnit;

/**
 * A meeting's change history on both surfaces (contracts-scheduling.md §C): the Platform API pages by
 * cursor, the Accounts API by offset; both show the same rows and the same (snake_case) {@code data}.
 * Reads: no webhook.
 */
public final class HistoryRoutes {
  static final int PLATFORM_DEFAULT_PAGE = 50;
  static final int PLATFORM_MAX_PAGE = 200;
  static final int ACCOUNTS_DEFAULT_PAGE = 20;
  static final int ACCOUNTS_MAX_PAGE = 100;
  private static final String CURSOR_PREFIX = "h1:";

  private final MeetingHistory history;

  public HistoryRoutes(MeetingHistory history) {
    this.history = history;
  }

  public void mount(Router router) {
    router.get("/v1/meetings/:meetingId/events").handler(this::platform);
    router.get("/v1/accounts/:accountId/meetings/:meetingId/events").handler(this::accounts);
  }

  private void platform(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    int limit = Fields.queryInt(UrlEncoded.query(ctx, "limit"), "limit", 1, PLATFORM_MAX_PAGE, PLATFORM_DEFAULT_PAGE);
    String cursor = UrlEncoded.query(ctx, "cursor");
    long after = cursor == null || cursor.isEmpty() ? 0 : position(cursor);
    String type = type(ctx, "event_type");
    read(ctx, meetingId, type, after, 0, limit).onSuccess(page -> {
      JsonArray events = new JsonArray();
      page.items().forEach(item -> events.add(new JsonObject()
          .put("id", item.id())
          .put("event_type", item.type())
          .put("timestamp", timestamp(item))
          .put("sequence", item.sequence())
          .put("data", item.data())));
      Responses.ok(ctx, new JsonObject()
          .put("success", true)
          .put("meeting_id", meetingId)
          .put("events", events)
          .put("next_cursor", page.hasMore() ? cursor(page.items().get(page.items().size() - 1).position()) : null)
          .put("has_more", page.hasMore()));
    }).onFailure(ctx::fail);
  }

  private void accounts(RoutingContext ctx) {
    String meetingId = ctx.pathParam("meetingId");
    int offset = Fields.queryInt(UrlEncoded.query(ctx, "offset"), "offset", 0, Integer.MAX_VALUE, 0);
    int limit = Fields.queryInt(UrlEncoded.query(ctx, "limit"), "limit", 1, ACCOUNTS_MAX_PAGE, ACCOUNTS_DEFAULT_PAGE);
    String type = type(ctx, "type");
    read(ctx, meetingId, type, 0, offset, limit).onSuccess(page -> {
      JsonArray data = new JsonArray();
      page.items().forEach(item -> data.add(new JsonObject()
          .put("id", item.id())
          .put("type", item.type())
          .put("createdAt", timestamp(item))
          .put("sequence", item.sequence())
          .put("data", item.data())));
      Responses.ok(ctx, new JsonObject()
          .put("success", true)
          .put("pagination", new JsonObject().put("limit", limit).put("offset", offset).put("hasNext", page.hasMore()))
          .put("data", data));
    }).onFailure(ctx::fail);
  }

  private Future<Page> read(RoutingContext ctx, String meetingId, String type, long after, int offset, int limit) {
    return history.page(Tenant.of(ctx).accountId(), meetingId, type, after, offset, limit).map(page -> {
      if (page == null) {
        throw ApiException.notFound("meeting_not_found", "meeting " + meetingId + " not found");
      }
      return page;
    });
  }

  /** The webhook envelope's {@code timestamp}: the event's time, to the second, in UTC. */
  private static String timestamp(Item item) {
    return Rfc3339.formatUtc(item.createdAt().truncatedTo(ChronoUnit.SECONDS));
  }

  private static String type(RoutingContext ctx, String param) {
    String type = UrlEncoded.query(ctx, param);
    if (type != null && !MeetingHistory.TYPES.contains(type)) {
      throw ApiException.badRequest("unknown_event_type", param + " must be one of "
          + String.join(", ", MeetingHistory.TYPES), param);
    }
    return type;
  }

  private static String cursor(long position) {
    return Cursors.encode(CURSOR_PREFIX, Long.toString(position));
  }

  private static long position(String cursor) {
    try {
      long position = Long.parseLong(Cursors.decode(CURSOR_PREFIX, cursor));
      if (position >= 0) {
        return position;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw Cursors.invalid();
  }
}
