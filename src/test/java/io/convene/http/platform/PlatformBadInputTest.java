package io.convene.http.platform;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static io.convene.TestCalls.assertError;
import static io.convene.http.platform.PlatformApiTest.SCHEDULE;
import static io.convene.http.platform.PlatformApiTest.SEED_UPDATE;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every bad-input row of the Platform API issue: a 400 naming the field, never a 500. */
@ExtendWith(VertxExtension.class)
class PlatformBadInputTest {
  private TestCalls acme;
  private String meetingId;

  @BeforeEach
  void start(Vertx vertx) {
    TestApp app = TestApp.start(vertx).await();
    acme = TestCalls.withKey(app, app.createAccount("Acme").await().getString("api_key"));
    meetingId = acme.post("/v1/schedule", SCHEDULE).await().bodyAsJsonObject().getString("meeting_id");
  }

  private record Case(String name, String path, UnaryOperator<JsonObject> edit, String code, String message, String field) {
  }

  private static JsonArray emails(int n) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < n; i++) {
      out.add("person" + i + "@example.com");
    }
    return out;
  }

  @Test
  void everyBadInputIsABadRequestNamingTheField() {
    String update = "/v1/meetings/{id}";
    String schedule = "/v1/schedule";
    String rfc3339 = " is not RFC 3339 with an offset (e.g. 2025-11-26T15:00:00-08:00)";
    String duration = "duration_minutes must be a whole number from 1 to 1440";
    List<Case> cases = List.of(
        new Case("missing start_time", update, b -> remove(b, "start_time"), "invalid_field", "start_time is required", "start_time"),
        new Case("missing end_time", update, b -> remove(b, "end_time"), "invalid_field", "end_time is required", "end_time"),
        new Case("numeric start_time", update, b -> b.put("start_time", 123), "invalid_field",
            "start_time must be an RFC 3339 date-time string", "start_time"),
        new Case("no offset", update, b -> b.put("start_time", "2025-11-26T15:00:00"), "invalid_time_format",
            "start_time" + rfc3339, "start_time"),
        new Case("not RFC 3339", update, b -> b.put("end_time", "26/11/2025 3pm"), "invalid_time_format",
            "end_time" + rfc3339, "end_time"),
        new Case("no seconds", update, b -> b.put("start_time", "2025-11-26T15:00-08:00"), "invalid_time_format",
            "start_time" + rfc3339, "start_time"),
        new Case("impossible date", update, b -> b.put("start_time", "2025-02-30T15:00:00Z"), "invalid_time_format",
            "start_time" + rfc3339, "start_time"),
        new Case("end before start", update, b -> b.put("end_time", "2025-11-26T14:00:00-08:00"), "invalid_time_range",
            "end_time must be after start_time", "end_time"),
        new Case("end equals start", update, b -> b.put("end_time", "2025-11-26T15:00:00-08:00"), "invalid_time_range",
            "end_time must be after start_time", "end_time"),
        new Case("before 1970", update, b -> b.put("start_time", "1969-12-31T23:00:00Z"), "invalid_field",
            "start_time must be between the years 1970 and 9999", "start_time"),
        new Case("attendees not a list", update, b -> b.put("attendees", "alice@example.com"), "invalid_field",
            "attendees must be a list", "attendees"),
        new Case("attendees empty", update, b -> b.put("attendees", new JsonArray()), "invalid_field",
            "attendees must list at least one email address", "attendees"),
        new Case("attendee not an email", update, b -> b.put("attendees", new JsonArray().add("not-an-email")),
            "invalid_email", "attendees is not a valid email address", "attendees"),
        new Case("attendee with a space", update, b -> b.put("attendees", new JsonArray().add("a b@example.com")),
            "invalid_email", "attendees is not a valid email address", "attendees"),
        new Case("attendee not a string", update, b -> b.put("attendees", new JsonArray().add(42)), "invalid_field",
            "attendees must be an email address string", "attendees"),
        new Case("too many attendees", update, b -> b.put("attendees", emails(101)), "invalid_field",
            "attendees must list at most 100 people", "attendees"),
        new Case("reason not a string", update, b -> b.put("reason", 5), "invalid_field", "reason must be a string", "reason"),
        new Case("reason too long", update, b -> b.put("reason", "r".repeat(501)), "invalid_field",
            "reason must be at most 500 characters", "reason"),
        new Case("duration zero", schedule, b -> b.put("duration_minutes", 0), "invalid_field", duration, "duration_minutes"),
        new Case("duration over a day", schedule, b -> b.put("duration_minutes", 1441), "invalid_field", duration,
            "duration_minutes"),
        new Case("duration as text", schedule, b -> b.put("duration_minutes", "30"), "invalid_field", duration,
            "duration_minutes"),
        new Case("duration fractional", schedule, b -> b.put("duration_minutes", 30.5), "invalid_field", duration,
            "duration_minutes"),
        new Case("missing duration", schedule, b -> remove(b, "duration_minutes"), "invalid_field",
            "duration_minutes is required", "duration_minutes"),
        new Case("ends after 9999", schedule, b -> b.put("start_time", "9999-12-31T23:45:00Z"), "invalid_field",
            "duration_minutes must be between the years 1970 and 9999", "duration_minutes"),
        new Case("missing title", schedule, b -> remove(b, "title"), "invalid_field",
            "title is required and must be a non-empty string", "title"),
        new Case("title not a string", schedule, b -> b.put("title", new JsonArray().add("x")), "invalid_field",
            "title must be a string", "title"),
        new Case("title too long", schedule, b -> b.put("title", "t".repeat(501)), "invalid_field",
            "title must be at most 500 characters", "title"),
        new Case("title with a control character", schedule, b -> b.put("title", "a\u0000b"), "invalid_field",
            "title must not contain control characters", "title"),
        new Case("description too long", schedule, b -> b.put("description", "d".repeat(10_001)), "invalid_field",
            "description must be at most 10000 characters", "description"),
        new Case("missing attendees", schedule, b -> remove(b, "attendees"), "invalid_field", "attendees is required",
            "attendees"),
        new Case("schedule start without offset", schedule, b -> b.put("start_time", "2025-11-26 15:00"),
            "invalid_time_format", "start_time" + rfc3339, "start_time"));

    List<Executable> checks = new ArrayList<>();
    for (Case c : cases) {
      JsonObject body = c.edit().apply((c.path().equals(schedule) ? SCHEDULE : SEED_UPDATE).copy());
      String path = c.path().replace("{id}", meetingId);
      HttpResponse<Buffer> response = (c.path().equals(schedule) ? acme.post(path, body) : acme.put(path, body)).await();
      checks.add(() -> {
        try {
          assertError(response, 400, c.code(), c.message(), c.field());
        } catch (AssertionError e) {
          throw new AssertionError(c.name() + ": " + e.getMessage(), e);
        }
      });
    }
    assertAll(checks);
  }

  @Test
  void repeatedAttendeesAreFoldedAndUnknownFieldsIgnored() {
    HttpResponse<Buffer> response = acme.post("/v1/schedule", SCHEDULE.copy()
        .put("attendees", new JsonArray().add("Alice@Example.com").add("bob@example.com").add("alice@example.com"))
        .put("colour", "blue")).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonArray().add("Alice@Example.com").add("bob@example.com"),
        response.bodyAsJsonObject().getJsonArray("attendees"));
  }

  @Test
  void unicodeEmailsAreAccepted() {
    HttpResponse<Buffer> response = acme.put("/v1/meetings/" + meetingId, SEED_UPDATE.copy()
        .put("attendees", new JsonArray().add("josé.niño@exämple.com").add("user+tag@example.co.uk"))).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
  }

  private static JsonObject remove(JsonObject body, String field) {
    body.remove(field);
    return body;
  }
}
