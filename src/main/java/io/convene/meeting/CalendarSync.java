package io.convene.meeting;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/**
 * How a meeting's mirror on Google Calendar stands, as both API surfaces show it.
 *
 * @param status     {@code pending} (a write is queued or retrying), {@code synced}, {@code failed}
 *                   (permanent failure; see {@code error}), {@code not_connected} (no calendar holds it)
 * @param error      why it failed, else {@code null}
 * @param meetLink   the Google Meet link once Google made one; kept across reschedules
 * @param connection the calendar connection the meeting names, or {@code null}
 * @param mirrored   whether the calendar worker keeps a mirror state for the meeting (a change queued calendar
 *                   work for it once): then its next change has calendar work too, whatever it names
 */
public record CalendarSync(String status, String error, String meetLink, ConnectionRef connection, boolean mirrored) {
  public static final String PENDING = "pending";
  public static final String SYNCED = "synced";
  public static final String FAILED = "failed";
  public static final String NOT_CONNECTED = "not_connected";

  /** A meeting no calendar holds. */
  public static final CalendarSync NONE = new CalendarSync(NOT_CONNECTED, null, null, null, false);

  /** {@code calendar_sync} on both surfaces: {@code {"status", "error"}}. */
  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("error", error);
  }

  /** From a row with the {@code calendar_sync} and {@code calendar_connection} columns {@link MeetingSql} selects. */
  public static CalendarSync fromRow(Row row) {
    return from(row.getJsonObject("calendar_sync"), row.getJsonObject("calendar_connection"));
  }

  /** From the values of those two columns. */
  static CalendarSync from(JsonObject sync, JsonObject connectionJson) {
    ConnectionRef connection = ConnectionRef.fromJson(connectionJson);
    if (sync == null) {
      return new CalendarSync(NOT_CONNECTED, null, null, connection, false);
    }
    return new CalendarSync(sync.getString("status"), sync.getString("error"), sync.getString("meet_link"), connection, true);
  }
}
