package io.convene.http.platform;

import io.convene.errors.ApiException;
import io.convene.http.Cursors;
import io.convene.input.Fields;
import io.convene.http.Idempotency;
import io.convene.http.JsonBodies;
import io.convene.http.Responses;
import io.convene.http.UrlEncoded;
import io.convene.scheduling.Users;
import io.convene.scheduling.Users.User;
import io.convene.tenant.Tenant;
import io.convene.time.Rfc3339;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * Users and their preferences (contracts-scheduling.md §A2, §A3): Convene's platform paths, Syncline's
 * {@code /v1/user/preferences} with an {@code email} naming the user, the users list and both status calls.
 */
public final class UserRoutes {
  static final int DEFAULT_PAGE = 500;
  static final int MAX_PAGE = 1000;
  private static final String CURSOR_PREFIX = "u1:";

  private final Users users;

  public UserRoutes(Users users) {
    this.users = users;
  }

  public void mount(Router router) {
    router.get("/v1/platform/users").handler(this::list);
    router.get("/v1/platform/users/status").handler(this::status);
    router.get("/v1/platform/users/:email/preferences").handler(ctx -> read(ctx, email(ctx.pathParam("email"))));
    router.put("/v1/platform/users/:email/preferences").handler(ctx ->
        write(ctx, email(ctx.pathParam("email")), JsonBodies.object(ctx)));
    router.get("/v1/user/preferences").handler(ctx -> read(ctx, email(UrlEncoded.query(ctx, "email"))));
    router.put("/v1/user/preferences").handler(this::writeSynclineShape);
    router.get("/v1/users/:email/status").handler(this::olderStatus);
  }

  private void read(RoutingContext ctx, String email) {
    known(Tenant.of(ctx).accountId(), email)
        .onSuccess(user -> Responses.ok(ctx, new JsonObject().put("email", user.email())
            .put("preferences", user.effective())))
        .onFailure(ctx::fail);
  }

  /** Syncline's body is the fields plus {@code email}; its MCP tool sends {@code {"email", "preferences": {…}}}. */
  private void writeSynclineShape(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    String email = email(body.getValue("email"));
    JsonObject nested = body.getValue("preferences") instanceof JsonObject p ? p : null;
    write(ctx, email, nested != null ? nested : body);
  }

  private void write(RoutingContext ctx, String email, JsonObject update) {
    users.save(Tenant.of(ctx).accountId(), email, stored -> PreferencesInput.merge(stored, update, null),
            Idempotency.recordWith(ctx, 200, UserRoutes::saved))
        .onSuccess(saved -> Responses.ok(ctx, saved(saved)))
        .onFailure(ctx::fail);
  }

  private static JsonObject saved(Users.Saved saved) {
    return new JsonObject().put("success", true).put("email", saved.email()).put("preferences", saved.preferences());
  }

  private void list(RoutingContext ctx) {
    int limit = Fields.queryInt(UrlEncoded.query(ctx, "limit"), "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    String cursor = UrlEncoded.query(ctx, "cursor");
    String after = cursor == null || cursor.isEmpty() ? "" : Cursors.decode(CURSOR_PREFIX, cursor);
    users.list(Tenant.of(ctx).accountId(), after, limit)
        .onSuccess(page -> {
          JsonArray items = new JsonArray();
          page.users().forEach(u -> items.add(listItem(u)));
          JsonObject body = new JsonObject().put("users", items).put("total", page.total());
          if (page.hasMore()) {
            body.put("next_cursor", Cursors.encode(CURSOR_PREFIX, page.users().get(page.users().size() - 1).emailKey()));
          }
          Responses.ok(ctx, body);
        })
        .onFailure(ctx::fail);
  }

  private void status(RoutingContext ctx) {
    String email = email(UrlEncoded.query(ctx, "email"));
    lookup(Tenant.of(ctx).accountId(), email).onSuccess(user -> {
      JsonObject body;
      String name = user.email() != null ? user.email() : email;
      if (user.connection() != null) {
        JsonObject effective = user.effective();
        body = new JsonObject().put("connected", true).put("user_email", name)
            .put("google_id", user.connection().googleId())
            .put("connected_at", utc(user.connection().connectedAt()))
            .put("timezone", effective.getString("timezone"))
            .put("preferences", effective)
            .put("calendar_access", "read_write");
      } else {
        body = new JsonObject().put("connected", false).put("user_email", name)
            .put("message", "User has not connected their calendar");
        if (user.stored() != null) {
          body.put("preferences", user.effective());
        }
      }
      Responses.ok(ctx, body);
    }).onFailure(ctx::fail);
  }

  /** The variant Syncline's MCP server calls ({@code get_user_calendar_status}). */
  private void olderStatus(RoutingContext ctx) {
    String email = email(ctx.pathParam("email"));
    lookup(Tenant.of(ctx).accountId(), email).onSuccess(user -> Responses.ok(ctx, new JsonObject()
            .put("email", user.email() != null ? user.email() : email)
            .put("calendar_connected", user.connection() != null)
            .put("last_sync", user.connection() == null ? null : utc(user.connection().lastUsedAt()))
            .put("provider", "google")))
        .onFailure(ctx::fail);
  }

  private Future<User> lookup(String accountId, String email) {
    return users.find(accountId, List.of(email)).map(found -> found.get(0));
  }

  private Future<User> known(String accountId, String email) {
    return lookup(accountId, email).map(user -> {
      if (!user.known()) {
        throw Users.unknown(email, null);
      }
      return user;
    });
  }

  private static JsonObject listItem(User u) {
    return new JsonObject()
        .put("email", u.email())
        .put("google_id", u.connection() == null ? null : u.connection().googleId())
        .put("connected_at", u.connection() == null ? null : utc(u.connection().connectedAt()))
        .put("connected", u.connection() != null)
        .put("preferences", u.effective());
  }

  /** An email address; anything else (or nothing) is 400 {@code invalid_field} naming {@code email}. */
  static String email(Object value) {
    return address(value, "email");
  }

  static String address(Object value, String field) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw ApiException.invalidField(field, field + " is required");
    }
    try {
      return Fields.email(value, field);
    } catch (ApiException e) {
      throw ApiException.invalidField(field, e.getMessage());
    }
  }

  private static String utc(OffsetDateTime time) {
    return time == null ? null : Rfc3339.formatUtc(time);
  }
}
