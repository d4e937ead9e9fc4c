package io.convene.http.accounts;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
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
import static io.convene.http.accounts.AccountsApiTest.SEED;
import static io.convene.http.accounts.AccountsApiTest.person;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every bad-input row of the Accounts API issue: a 400 naming the field by its dotted path, never a 500. */
@ExtendWith(VertxExtension.class)
class AccountsBadInputTest {
  private static final String RFC3339 = " is not RFC 3339 with an offset (e.g. 2025-11-26T15:00:00-08:00)";

  private TestCalls acme;
  private String meetings;
  private String meetingId;

  @BeforeEach
  void start(Vertx vertx) {
    TestApp app = TestApp.start(vertx).await();
    JsonObject account = app.createAccount("Acme").await();
    acme = TestCalls.withKey(app, app.accessToken(account).await());
    meetings = "/v1/accounts/" + account.getString("id") + "/meetings";
    meetingId = acme.post(meetings, SEED).await().bodyAsJsonObject().getJsonObject("data").getString("id");
  }

  private enum Call { CREATE, UPDATE, BOTH }

  private record Case(String name, Call call, UnaryOperator<JsonObject> edit, String code, String message, String field) {
  }

  private static Case both(String name, UnaryOperator<JsonObject> edit, String message, String field) {
    return new Case(name, Call.BOTH, edit, "invalid_field", message, field);
  }

  private static Case both(String name, UnaryOperator<JsonObject> edit, String code, String message, String field) {
    return new Case(name, Call.BOTH, edit, code, message, field);
  }

  private static JsonArray people(int n) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < n; i++) {
      out.add(person("person" + i + "@example.com", "P" + i));
    }
    return out;
  }

  private static JsonObject host(JsonObject body) {
    return body.getJsonArray("hosts").getJsonObject(0);
  }

  private static JsonObject attendee(JsonObject body) {
    return body.getJsonArray("attendees").getJsonObject(0);
  }

  private static JsonObject remove(JsonObject json, String field) {
    json.remove(field);
    return json;
  }

  @Test
  void everyBadInputIsABadRequestNamingTheField() {
    List<Case> cases = List.of(
        new Case("missing id", Call.UPDATE, b -> remove(b, "id"), "invalid_field",
            "id is required and must be a non-empty string", "id"),
        new Case("numeric id", Call.UPDATE, b -> b.put("id", 7), "invalid_field", "id must be a string", "id"),
        new Case("id of another meeting", Call.UPDATE, b -> b.put("id", "meet_other"), "invalid_field",
            "id must equal the meeting id in the path", "id"),
        new Case("created cancelled", Call.CREATE, b -> b.put("cancelled", true), "invalid_field",
            "cancelled must be false or absent when creating a meeting", "cancelled"),
        both("missing name", b -> remove(b, "name"), "name is required and must be a non-empty string", "name"),
        both("blank name", b -> b.put("name", "  "), "name is required and must be a non-empty string", "name"),
        both("numeric name", b -> b.put("name", 3), "name must be a string", "name"),
        both("name too long", b -> b.put("name", "n".repeat(501)), "name must be at most 500 characters", "name"),
        both("missing start", b -> remove(b, "start"), "start is required", "start"),
        both("missing end", b -> remove(b, "end"), "end is required", "end"),
        both("numeric start", b -> b.put("start", 1699335116), "start must be an RFC 3339 date-time string", "start"),
        both("start without offset", b -> b.put("start", "2023-11-07T05:31:56"), "invalid_time_format",
            "start" + RFC3339, "start"),
        both("end not RFC 3339", b -> b.put("end", "7 Nov 2023 6am"), "invalid_time_format", "end" + RFC3339, "end"),
        both("impossible date", b -> b.put("start", "2023-02-30T05:31:56Z"), "invalid_time_format", "start" + RFC3339,
            "start"),
        both("end before start", b -> b.put("end", "2023-11-07T04:31:56Z"), "invalid_time_range",
            "end must be after start", "end"),
        both("end equals start", b -> b.put("end", "2023-11-07T05:31:56Z"), "invalid_time_range",
            "end must be after start", "end"),
        both("missing calendar", b -> remove(b, "calendar"), "calendar is required", "calendar"),
        both("null calendar", b -> b.put("calendar", null), "calendar is required", "calendar"),
        both("calendar not an object", b -> b.put("calendar", "primary"), "calendar must be an object", "calendar"),
        both("connection not an object", b -> b.put("calendar", new JsonObject().put("connection", "c1")),
            "calendar.connection must be an object", "calendar.connection"),
        both("connection without id", b -> b.put("calendar", new JsonObject().put("connection",
                new JsonObject().put("connectedAt", "2023-11-07T05:31:56Z"))),
            "calendar.connection.id is required and must be a non-empty string", "calendar.connection.id"),
        both("unknown calendar connection", b -> b.put("calendar", new JsonObject().put("connection",
                new JsonObject().put("id", "conn_unknown").put("user", new JsonObject().put("email", "x@example.com")))),
            "unknown_calendar_connection", "calendar.connection.id names no calendar connection of this account",
            "calendar.connection.id"),
        both("missing hosts", b -> remove(b, "hosts"), "hosts is required", "hosts"),
        both("hosts not a list", b -> b.put("hosts", person("chris@example.com", "Chris")), "hosts must be a list", "hosts"),
        both("missing attendees", b -> remove(b, "attendees"), "attendees is required", "attendees"),
        both("attendee not an object", b -> b.put("attendees", new JsonArray().add("dana@example.com")),
            "attendees[0] must be an object", "attendees[0]"),
        both("null attendee", b -> b.put("attendees", new JsonArray().addNull()), "attendees[0] is required", "attendees[0]"),
        both("host without email", b -> {
          host(b).remove("email");
          return b;
        }, "hosts[0].email is required", "hosts[0].email"),
        both("host email invalid", b -> {
          host(b).put("email", "chris-at-example.com");
          return b;
        }, "invalid_email", "hosts[0].email is not a valid email address", "hosts[0].email"),
        both("second attendee email invalid", b -> {
          b.getJsonArray("attendees").add(person("a b@example.com", "AB"));
          return b;
        }, "invalid_email", "attendees[1].email is not a valid email address", "attendees[1].email"),
        both("attendee email not a string", b -> {
          attendee(b).put("email", 5);
          return b;
        }, "attendees[0].email must be an email address string", "attendees[0].email"),
        both("repeated attendee", b -> {
          b.getJsonArray("attendees").add(person("Dana@Example.com", "Dana"));
          return b;
        }, "duplicate_email", "attendees[1].email repeats attendees[0].email", "attendees[1].email"),
        both("repeated host", b -> {
          b.getJsonArray("hosts").add(person("x@example.com", "X")).add(person("chris@example.com", "Chris"));
          return b;
        }, "duplicate_email", "hosts[2].email repeats hosts[0].email", "hosts[2].email"),
        both("numeric firstName", b -> {
          host(b).put("firstName", 1);
          return b;
        }, "hosts[0].firstName must be a string", "hosts[0].firstName"),
        both("lastName too long", b -> {
          attendee(b).put("lastName", "l".repeat(201));
          return b;
        }, "attendees[0].lastName must be at most 200 characters", "attendees[0].lastName"),
        both("mobile not an object", b -> {
          host(b).put("mobile", "123-456-7890");
          return b;
        }, "hosts[0].mobile must be an object", "hosts[0].mobile"),
        both("verified not a date-time", b -> {
          host(b).getJsonObject("mobile").put("verified", "yesterday");
          return b;
        }, "invalid_time_format", "hosts[0].mobile.verified" + RFC3339, "hosts[0].mobile.verified"),
        both("verified as a boolean", b -> {
          attendee(b).getJsonObject("mobile").put("verified", true);
          return b;
        }, "attendees[0].mobile.verified must be an RFC 3339 date-time string", "attendees[0].mobile.verified"),
        both("valid as text", b -> {
          attendee(b).getJsonObject("mobile").put("valid", "yes");
          return b;
        }, "attendees[0].mobile.valid must be true or false", "attendees[0].mobile.valid"),
        both("numeric mobile number", b -> {
          attendee(b).getJsonObject("mobile").put("number", 1234567890);
          return b;
        }, "attendees[0].mobile.number must be a string", "attendees[0].mobile.number"),
        both("too many attendees", b -> b.put("attendees", people(101)), "attendees must list at most 100 people", "attendees"),
        both("too many hosts", b -> b.put("hosts", people(101)), "hosts must list at most 100 people", "hosts"),
        both("cancelled as text", b -> b.put("cancelled", "no"), "cancelled must be true or false", "cancelled"),
        both("numeric notes", b -> b.put("notes", 42), "notes must be a string", "notes"),
        both("notes too long", b -> b.put("notes", "x".repeat(10_001)), "notes must be at most 10000 characters", "notes"),
        both("notes with a control character", b -> b.put("notes", "a\u0007b"), "notes must not contain control characters",
            "notes"),
        both("conferencing not an object", b -> b.put("conferencing", "zoom"), "conferencing must be an object",
            "conferencing"),
        both("numeric joinUrl", b -> b.put("conferencing", new JsonObject().put("provider", "zoom").put("joinUrl", 1)),
            "conferencing.joinUrl must be a string", "conferencing.joinUrl"));

    List<Executable> checks = new ArrayList<>();
    for (Case c : cases) {
      List<HttpResponse<Buffer>> responses = new ArrayList<>();
      if (c.call() != Call.UPDATE) {
        responses.add(acme.post(meetings, c.edit().apply(SEED.copy())).await());
      }
      if (c.call() != Call.CREATE) {
        responses.add(acme.put(meetings + "/" + meetingId, c.edit().apply(SEED.copy().put("id", meetingId))).await());
      }
      for (HttpResponse<Buffer> response : responses) {
        checks.add(() -> {
          try {
            assertError(response, 400, c.code(), c.message(), c.field());
          } catch (AssertionError e) {
            throw new AssertionError(c.name() + ": " + e.getMessage(), e);
          }
        });
      }
    }
    assertAll(checks);
    assertEquals(1, acme.get(meetings).await().bodyAsJsonObject().getJsonArray("data").size(), "nothing was created");
  }

  @Test
  void badListParametersNameTheParameter() {
    String limit = "limit must be a whole number from 1 to 100";
    String offset = "offset must be a whole number, 0 or more";
    assertError(acme.get(meetings + "?limit=0").await(), 400, "invalid_field", limit, "limit");
    assertError(acme.get(meetings + "?limit=101").await(), 400, "invalid_field", limit, "limit");
    assertError(acme.get(meetings + "?limit=ten").await(), 400, "invalid_field", limit, "limit");
    assertError(acme.get(meetings + "?offset=-1").await(), 400, "invalid_field", offset, "offset");
    assertError(acme.get(meetings + "?offset=1.5").await(), 400, "invalid_field", offset, "offset");
    assertError(acme.get(meetings + "?offset=many").await(), 400, "invalid_field", offset, "offset");
    assertError(acme.get(meetings + "?name=" + "n".repeat(501)).await(), 400, "invalid_field",
        "name must be at most 500 characters", "name");
  }

  @Test
  void bodiesThatAreNotJsonObjects() {
    String path = meetings + "/" + meetingId;
    assertError(acme.raw(HttpMethod.PUT, path, "application/json", Buffer.buffer("{\"id\": ")).await(), 400,
        "invalid_json", "request body is not valid JSON", null);
    assertError(acme.raw(HttpMethod.POST, meetings, "application/json", Buffer.buffer("[]")).await(), 400,
        "invalid_json", "request body must be a JSON object", null);
    assertError(acme.put(path, null).await(), 400, "missing_body", "the request needs a JSON object body", null);
    assertError(acme.raw(HttpMethod.POST, meetings, "text/plain", SEED.toBuffer()).await(), 415,
        "unsupported_media_type", "send the body as application/json, not text/plain", null);
  }
}
