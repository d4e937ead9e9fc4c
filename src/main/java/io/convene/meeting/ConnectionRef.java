package io.convene.meeting;

import io.convene.time.Rfc3339;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A tenant's Google Calendar connection as meetings point at it.
 *
 * @param userId Convene's id of the connected user, stable while the connection exists
 */
public record ConnectionRef(String id, String userId, String email, Instant connectedAt) {
  /** This summary as a {@code json_build_object} over a {@code calendar_connections} row aliased {@code c}. */
  public static final String JSON = "json_build_object('id', c.id, 'user_id', c.user_id, 'email', c.user_email,"
      + " 'connected_at', c.connected_at)";

  /** The Accounts API's {@code calendar.connection}: {@code {id, connectedAt, user: {id, email}}}. */
  public JsonObject toAccountsJson() {
    return new JsonObject()
        .put("id", id)
        .put("connectedAt", Rfc3339.formatUtc(connectedAt))
        .put("user", new JsonObject().put("id", userId).put("email", email));
  }

  /** Reads {@link #JSON}; {@code null} stays null. */
  public static ConnectionRef fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    return new ConnectionRef(json.getString("id"), json.getString("user_id"), json.getString("email"),
        OffsetDateTime.parse(json.getString("connected_at")).toInstant());
  }
}
