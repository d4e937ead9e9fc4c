package io.convene.scheduling;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Users and their preferences (contracts-scheduling.md §A1–A3), on Convene's paths and Syncline's. */
@ExtendWith(VertxExtension.class)
class PreferencesApiTest {
  private TestApp app;
  private JsonObject acmeAccount;
  private TestCalls acme;
  private TestCalls globex;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx).await();
    acmeAccount = app.createAccount("Acme").await();
    acme = TestCalls.withKey(app, acmeAccount.getString("api_key"));
    globex = TestCalls.withKey(app, app.createAccount("Globex").await().getString("api_key"));
  }

  static JsonObject day(boolean enabled, String start, String end) {
    return new JsonObject().put("enabled", enabled).put("start", start).put("end", end);
  }

  /** The documented defaults, in {@code zone}. */
  static JsonObject defaults(String zone) {
    JsonObject days = new JsonObject();
    for (String d : List.of("monday", "tuesday", "wednesday", "thursday", "friday")) {
      days.put(d, day(true, "09:00", "17:00"));
    }
    days.put("saturday", day(false, "09:00", "17:00")).put("sunday", day(false, "09:00", "17:00"));
    return new JsonObject().put("work_hours", days).put("timezone", zone).put("buffer_minutes", 0)
        .put("availability_window_days", 14).put("max_meetings_per_day", 10).put("energy_pattern", "flexible")
        .put("scheduling_context", null).put("focus_blocks", new JsonArray());
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private List<Row> rows(String sql, Object... params) {
    List<Row> rows = new ArrayList<>();
    app.database.pool(app.vertx).preparedQuery(sql).execute(Tuple.wrap(params)).await().forEach(rows::add);
    return rows;
  }

  @Test
  void anUnknownUserIsNotFoundUntilPreferencesAreStored() {
    assertError(acme.get("/v1/platform/users/alice%40example.com/preferences").await(), 404, "user_not_found",
        "user alice@example.com is not known: store preferences for them or have them connect their calendar"
            + " (GET /v1/platform/oauth-url)", null);
    JsonObject stored = ok(acme.put("/v1/platform/users/Alice%40Example.com/preferences",
        new JsonObject().put("timezone", "Europe/Paris")).await());
    assertEquals(new JsonObject().put("success", true).put("email", "Alice@Example.com")
        .put("preferences", defaults("Europe/Paris")), stored);
    assertEquals(new JsonObject().put("email", "Alice@Example.com").put("preferences", defaults("Europe/Paris")),
        ok(acme.get("/v1/platform/users/alice%40example.com/preferences").await()), "the first spelling stays");
    assertEquals(new JsonObject().put("email", "Alice@Example.com").put("preferences", defaults("Europe/Paris")),
        ok(acme.get("/v1/user/preferences?email=ALICE%40example.com").await()), "Syncline's path");
    assertError(globex.get("/v1/platform/users/alice%40example.com/preferences").await(), 404, "user_not_found",
        "user alice@example.com is not known: store preferences for them or have them connect their calendar"
            + " (GET /v1/platform/oauth-url)", null);
  }

  @Test
  void updatesMergeFieldsDaysAndDayFieldsReplaceFocusBlocksAndNullResets() {
    String path = "/v1/platform/users/bob%40example.com/preferences";
    ok(acme.put(path, new JsonObject()
        .put("timezone", "America/New_York").put("buffer_minutes", 15).put("energy_pattern", "morning_person")
        .put("scheduling_context", "Prefers short calls").put("max_meetings_per_day", 4)
        .put("work_hours", new JsonObject().put("monday", day(true, "08:00", "16:00")).put("saturday",
            new JsonObject().put("enabled", true)))
        .put("focus_blocks", new JsonArray().add(new JsonObject().put("day", "tuesday").put("start", "13:00")
            .put("end", "15:00").put("reason", "writing")))
        .put("unknown_field", "ignored")).await());
    JsonObject after = ok(acme.put(path, new JsonObject()
        .put("work_hours", new JsonObject().put("monday", new JsonObject().put("end", "24:00")))
        .put("focus_blocks", new JsonArray().add(new JsonObject().put("day", "friday").put("start", "09:00")
            .put("end", "10:00")))
        .put("buffer_minutes", null)).await());
    JsonObject expected = defaults("America/New_York").put("energy_pattern", "morning_person")
        .put("scheduling_context", "Prefers short calls").put("max_meetings_per_day", 4)
        .put("focus_blocks", new JsonArray().add(new JsonObject().put("day", "friday").put("start", "09:00")
            .put("end", "10:00").put("reason", null)));
    expected.getJsonObject("work_hours").put("monday", day(true, "08:00", "24:00")).put("saturday", day(true, "09:00", "17:00"));
    assertEquals(new JsonObject().put("success", true).put("email", "bob@example.com").put("preferences", expected), after);

    // Syncline's MCP tool sends {"email", "preferences": {...}}; its REST body is the fields beside "email".
    ok(acme.put("/v1/user/preferences", new JsonObject().put("email", "bob@example.com")
        .put("preferences", new JsonObject().put("energy_pattern", "evening_person"))).await());
    JsonObject last = ok(acme.put("/v1/user/preferences", new JsonObject().put("email", "bob@example.com")
        .put("work_hours", null).put("availability_window_days", 30)).await());
    expected.put("energy_pattern", "evening_person").put("availability_window_days", 30)
        .put("work_hours", defaults("UTC").getJsonObject("work_hours"));
    assertEquals(expected, last.getJsonObject("preferences"));
  }

  @Test
  void eachStoreSendsUserPreferencesUpdated() {
    ok(acme.put("/v1/platform/users/carol%40example.com/preferences", new JsonObject().put("timezone", "Asia/Tokyo")).await());
    List<Row> events = rows("SELECT type, meeting_id, data FROM events WHERE account_id = $1", acmeAccount.getString("id"));
    assertEquals(1, events.size());
    assertEquals("user.preferences.updated", events.get(0).getString("type"));
    assertNull(events.get(0).getString("meeting_id"));
    JsonObject data = (JsonObject) events.get(0).getValue("data");
    assertEquals(new JsonObject().put("user_email", "carol@example.com").put("preferences", defaults("Asia/Tokyo"))
        .put("updated_at", data.getString("updated_at")).put("updated_by", acmeAccount.getString("id")), data);
  }

  @Test
  void badPreferencesAreRefusedNamingTheField() {
    String path = "/v1/platform/users/dan%40example.com/preferences";
    assertError(acme.put(path, new JsonObject().put("timezone", "+05:00")).await(), 400, "invalid_timezone",
        "timezone must be an IANA time zone such as Europe/Paris", "timezone");
    assertError(acme.put(path, new JsonObject().put("buffer_minutes", 10)).await(), 400, "invalid_field",
        "buffer_minutes must be one of [0, 15, 30]", "buffer_minutes");
    assertError(acme.put(path, new JsonObject().put("availability_window_days", 91)).await(), 400, "invalid_field",
        "availability_window_days must be a whole number from 7 to 90", "availability_window_days");
    assertError(acme.put(path, new JsonObject().put("max_meetings_per_day", 0)).await(), 400, "invalid_field",
        "max_meetings_per_day must be a whole number from 1 to 10", "max_meetings_per_day");
    assertError(acme.put(path, new JsonObject().put("energy_pattern", "night_owl")).await(), 400, "invalid_field",
        "energy_pattern must be one of flexible, morning_person, afternoon_person, evening_person", "energy_pattern");
    assertError(acme.put(path, new JsonObject().put("scheduling_context", "x".repeat(2001))).await(), 400, "invalid_field",
        "scheduling_context must be at most 2000 characters", "scheduling_context");
    assertError(acme.put(path, new JsonObject().put("work_hours", new JsonObject().put("funday", day(true, "09:00", "17:00"))))
        .await(), 400, "invalid_field", "work_hours.funday is not a day: use monday to sunday", "work_hours.funday");
    assertError(acme.put(path, new JsonObject().put("work_hours", new JsonObject().put("monday",
        new JsonObject().put("start", "9:00")))).await(), 400, "invalid_field",
        "work_hours.monday.start must be a time HH:MM, 00:00 to 24:00", "work_hours.monday.start");
    // The merged day must still start before it ends: 18:00 after the default 17:00 end.
    assertError(acme.put(path, new JsonObject().put("work_hours", new JsonObject().put("monday",
        new JsonObject().put("start", "18:00")))).await(), 400, "invalid_field",
        "work_hours.monday.end must be after work_hours.monday.start", "work_hours.monday.end");
    JsonArray blocks = new JsonArray();
    for (int i = 0; i < 21; i++) {
      blocks.add(new JsonObject().put("day", "monday").put("start", "09:00").put("end", "10:00"));
    }
    assertError(acme.put(path, new JsonObject().put("focus_blocks", blocks)).await(), 400, "invalid_field",
        "focus_blocks may hold at most 20 blocks", "focus_blocks");
    assertError(acme.put(path, new JsonObject().put("focus_blocks", new JsonArray().add(new JsonObject()
        .put("day", "monday").put("start", "10:00").put("end", "09:00")))).await(), 400, "invalid_field",
        "focus_blocks[0].end must be after focus_blocks[0].start", "focus_blocks[0].end");
    assertError(acme.put("/v1/user/preferences", new JsonObject().put("timezone", "UTC")).await(), 400, "invalid_field",
        "email is required", "email");
    assertError(acme.put("/v1/platform/users/not-an-email/preferences", new JsonObject()).await(), 400, "invalid_field",
        "email is not a valid email address", "email");
    assertEquals(0, rows("SELECT 1 FROM user_preferences").size(), "nothing stored by a refused update");
    // Stored first, the later day start is checked against the stored end.
    ok(acme.put(path, new JsonObject().put("work_hours", new JsonObject().put("monday", day(true, "09:00", "20:00")))).await());
    assertEquals(day(true, "18:00", "20:00"), ok(acme.put(path, new JsonObject().put("work_hours", new JsonObject()
        .put("monday", new JsonObject().put("start", "18:00"))))
        .await()).getJsonObject("preferences").getJsonObject("work_hours").getJsonObject("monday"));
  }

  @Test
  void usersAreListedByEmailWithConnectionsAndPaged() {
    for (String email : List.of("zoe@example.com", "amy@example.com", "Mia@example.com")) {
      ok(acme.put("/v1/platform/users/" + email + "/preferences", new JsonObject()).await());
    }
    ok(globex.put("/v1/platform/users/other@example.com/preferences", new JsonObject()).await());
    importConnection("kim@example.com", "Europe/Berlin");
    JsonObject all = ok(acme.get("/v1/platform/users").await());
    assertEquals(4, all.getLong("total"));
    List<String> emails = all.getJsonArray("users").stream().map(u -> ((JsonObject) u).getString("email")).toList();
    assertEquals(List.of("amy@example.com", "kim@example.com", "Mia@example.com", "zoe@example.com"), emails);
    JsonObject kim = all.getJsonArray("users").getJsonObject(1);
    assertEquals(true, kim.getBoolean("connected"));
    assertEquals("kim@example.com", kim.getString("google_id"));
    assertEquals(defaults("Europe/Berlin"), kim.getJsonObject("preferences"), "the connection's zone is the default");
    assertEquals(new JsonObject().put("email", "amy@example.com").put("google_id", null).put("connected_at", null)
        .put("connected", false).put("preferences", defaults("UTC")), all.getJsonArray("users").getJsonObject(0));
    assertNull(all.getValue("next_cursor"));

    JsonObject first = ok(acme.get("/v1/platform/users?limit=3").await());
    assertEquals(4, first.getLong("total"));
    assertEquals(3, first.getJsonArray("users").size());
    JsonObject second = ok(acme.get("/v1/platform/users?limit=3&cursor=" + first.getString("next_cursor")).await());
    assertEquals(4, second.getLong("total"));
    assertEquals(1, second.getJsonArray("users").size());
    assertEquals("zoe@example.com", second.getJsonArray("users").getJsonObject(0).getString("email"));
    assertEquals(false, second.containsKey("next_cursor"), "absent on the last page");
    assertError(acme.get("/v1/platform/users?cursor=bogus").await(), 400, "invalid_cursor",
        "cursor is not one this API returned", "cursor");
    assertError(acme.get("/v1/platform/users?limit=1001").await(), 400, "invalid_field",
        "limit must be a whole number from 1 to 1000", "limit");
  }

  private String importConnection(String email, String timezone) {
    HttpResponse<Buffer> response = app.client.post("/admin/v1/accounts/" + acmeAccount.getString("id") + "/calendar-connections")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("user_email", email).put("refresh_token", "1//0g-" + email)
            .put("timezone", timezone)).await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonObject("connection").getString("connected_at");
  }

  @Test
  void statusSaysWhetherTheCalendarIsConnected() {
    String connectedAt = importConnection("kim@example.com", "Europe/Berlin");
    JsonObject effective = defaults("Europe/Berlin");
    assertEquals(new JsonObject().put("connected", true).put("user_email", "kim@example.com")
        .put("google_id", "kim@example.com").put("connected_at", connectedAt).put("timezone", "Europe/Berlin")
        .put("preferences", effective).put("calendar_access", "read_write"),
        ok(acme.get("/v1/platform/users/status?email=kim%40example.com").await()));
    assertEquals(new JsonObject().put("email", "kim@example.com").put("calendar_connected", true).put("last_sync", null)
        .put("provider", "google"), ok(acme.get("/v1/users/kim%40example.com/status").await()));

    assertEquals(new JsonObject().put("connected", false).put("user_email", "nobody@example.com")
        .put("message", "User has not connected their calendar"),
        ok(acme.get("/v1/platform/users/status?email=nobody%40example.com").await()));
    ok(acme.put("/v1/platform/users/lee%40example.com/preferences", new JsonObject().put("timezone", "Asia/Seoul")).await());
    assertEquals(new JsonObject().put("connected", false).put("user_email", "lee@example.com")
        .put("message", "User has not connected their calendar").put("preferences", defaults("Asia/Seoul")),
        ok(acme.get("/v1/platform/users/status?email=lee%40example.com").await()));
    assertEquals(new JsonObject().put("email", "lee@example.com").put("calendar_connected", false).put("last_sync", null)
        .put("provider", "google"), ok(globex.get("/v1/users/lee%40example.com/status").await()));
    assertError(acme.get("/v1/platform/users/status").await(), 400, "invalid_field", "email is required", "email");
    assertError(acme.get("/v1/users/nope/status").await(), 400, "invalid_field", "email is not a valid email address",
        "email");
  }
}
