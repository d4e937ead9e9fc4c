package io.convene.scheduling;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.calendar.FakeGoogle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/availability} (contracts-scheduling.md §A4–A6) against a real database and Google's stand-in. */
@ExtendWith(VertxExtension.class)
class AvailabilityApiTest {
  private static final String MID_MORNING = "Mid-morning for everyone; inside 8am-6pm for everyone";
  private static final String INSIDE = "Inside 8am-6pm for everyone";

  private FakeGoogle google;
  private TestApp app;
  private JsonObject acmeAccount;
  private TestCalls acme;
  private TestCalls globex;
  private final Promise<Void> release = Promise.promise();

  @BeforeEach
  void start(Vertx vertx) {
    google = FakeGoogle.start(vertx).await();
    Map<String, String> env = new HashMap<>(google.env());
    env.put("CONVENE_WORKERS", "api");
    env.put("CONVENE_FREEBUSY_TIMEOUT_MS", "1000");
    app = TestApp.start(vertx, env).await();
    acmeAccount = app.createAccount("Acme").await();
    acme = TestCalls.withKey(app, acmeAccount.getString("api_key"));
    globex = TestCalls.withKey(app, app.createAccount("Globex").await().getString("api_key"));
  }

  @AfterEach
  void letHeldRequestsGo() {
    release.tryComplete();
  }

  private void known(TestCalls tenant, String email, JsonObject prefs) {
    HttpResponse<Buffer> response = tenant.put("/v1/platform/users/" + email + "/preferences", prefs).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
  }

  private static JsonObject oneDay(List<String> attendees, int minutes, String date) {
    return new JsonObject().put("attendees", new JsonArray(attendees)).put("duration_minutes", minutes)
        .put("date_range", new JsonObject().put("start_date", date).put("end_date", date));
  }

  private static JsonObject slot(String start, String end, double score, String zone, String reason) {
    return new JsonObject().put("start_time", start).put("end_time", end).put("score", score).put("timezone", zone)
        .put("reason", reason);
  }

  private JsonObject available(TestCalls tenant, JsonObject body) {
    HttpResponse<Buffer> response = tenant.post("/v1/availability", body).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static List<String> starts(JsonObject answer) {
    return answer.getJsonArray("slots").stream().map(s -> ((JsonObject) s).getString("start_time") + " "
        + ((JsonObject) s).getValue("score")).toList();
  }

  private String schedule(TestCalls tenant, String start, int minutes, String... attendees) {
    HttpResponse<Buffer> response = tenant.post("/v1/schedule", new JsonObject().put("attendees", new JsonArray(List.of(attendees)))
        .put("start_time", start).put("duration_minutes", minutes).put("title", "Busy")).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("meeting_id");
  }

  private void importConnection(String email, String refreshToken, String googleId) {
    JsonObject body = new JsonObject().put("user_email", email).put("refresh_token", refreshToken);
    if (googleId != null) {
      body.put("google_id", googleId);
    }
    HttpResponse<Buffer> response = app.client.post("/admin/v1/accounts/" + acmeAccount.getString("id") + "/calendar-connections")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).sendJsonObject(body).await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
  }

  // ---- the worked examples, through the API ---------------------------------------------------

  @Test
  void theFirstWorkedExampleIsTheDocumentedResponse() {
    known(acme, "u@example.com", new JsonObject().put("timezone", "UTC"));
    assertEquals(new JsonObject()
        .put("slots", new JsonArray()
            .add(slot("2030-03-12T10:00:00Z", "2030-03-12T10:30:00Z", 0.91, "UTC", MID_MORNING))
            .add(slot("2030-03-12T10:30:00Z", "2030-03-12T11:00:00Z", 0.91, "UTC", MID_MORNING))
            .add(slot("2030-03-12T09:00:00Z", "2030-03-12T09:30:00Z", 0.76, "UTC", INSIDE))
            .add(slot("2030-03-12T09:30:00Z", "2030-03-12T10:00:00Z", 0.76, "UTC", INSIDE))
            .add(slot("2030-03-12T11:00:00Z", "2030-03-12T11:30:00Z", 0.76, "UTC", INSIDE)))
        .put("total_found", 5)
        .put("search_window", new JsonObject().put("start", "2030-03-12T00:00:00Z").put("end", "2030-03-13T00:00:00Z")
            .put("days", 1)),
        available(acme, oneDay(List.of("u@example.com"), 30, "2030-03-12")));
  }

  @Test
  void newYorkAndLondonBeforeAndAfterAmericaSpringsForward() {
    known(acme, "bob@example.com", new JsonObject().put("timezone", "America/New_York"));
    known(acme, "alice@example.com", new JsonObject().put("timezone", "Europe/London"));
    JsonObject winter = available(acme, oneDay(List.of("bob@example.com", "alice@example.com"), 60, "2030-03-05"));
    assertEquals(List.of("2030-03-05T09:00:00-05:00 0.76", "2030-03-05T10:00:00-05:00 0.76",
        "2030-03-05T11:00:00-05:00 0.76"), starts(winter));
    assertEquals(new JsonObject().put("start", "2030-03-05T00:00:00-05:00").put("end", "2030-03-06T00:00:00-05:00")
        .put("days", 1), winter.getJsonObject("search_window"));
    JsonObject spring = available(acme, oneDay(List.of("bob@example.com", "alice@example.com"), 60, "2030-03-12"));
    assertEquals(List.of("2030-03-12T09:00:00-04:00 0.76", "2030-03-12T10:00:00-04:00 0.76",
        "2030-03-12T11:00:00-04:00 0.76", "2030-03-12T12:00:00-04:00 0.61"), starts(spring));
    assertEquals("America/New_York", spring.getJsonArray("slots").getJsonObject(0).getString("timezone"));
  }

  @Test
  void workingDaysThatDoNotOverlapAreNotAnError() {
    JsonObject off = new JsonObject().put("enabled", false);
    known(acme, "mon@example.com", new JsonObject().put("work_hours", new JsonObject().put("tuesday", off)
        .put("wednesday", off).put("thursday", off).put("friday", off)));
    known(acme, "fri@example.com", new JsonObject().put("work_hours", new JsonObject().put("monday", off)
        .put("tuesday", off).put("wednesday", off).put("thursday", off)));
    JsonObject answer = available(acme, new JsonObject().put("attendees", new JsonArray().add("mon@example.com")
        .add("fri@example.com")).put("earliest_date", "2030-03-01").put("latest_date", "2030-03-31"));
    assertEquals(new JsonObject().put("slots", new JsonArray()).put("total_found", 0).put("search_window", new JsonObject()
        .put("start", "2030-03-01T00:00:00Z").put("end", "2030-04-01T00:00:00Z").put("days", 31)), answer);
  }

  // ---- busy time --------------------------------------------------------------------------------

  @Test
  void theTenantsOwnMeetingsMakePeopleBusyUntilCancelledAndOthersNever() {
    known(acme, "u@example.com", new JsonObject());
    JsonObject body = oneDay(List.of("u@example.com"), 30, "2030-03-12");
    String platformMeeting = schedule(acme, "2030-03-12T10:00:00Z", 30, "someone@example.com", "U@EXAMPLE.COM");
    // A host of an Accounts API meeting is busy too, whatever the case of the address.
    HttpResponse<Buffer> hosted = acme.post("/v1/accounts/" + acmeAccount.getString("id") + "/meetings", new JsonObject()
        .put("name", "Review").put("start", "2030-03-12T09:00:00Z").put("end", "2030-03-12T10:00:00Z")
        .put("calendar", new JsonObject().put("connection", null))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "U@example.com")))
        .put("attendees", new JsonArray().add(new JsonObject().put("email", "guest@example.com")))).await();
    assertEquals(201, hosted.statusCode(), hosted.bodyAsString());
    // Another tenant's meeting of the same address is never read.
    schedule(globex, "2030-03-12T11:00:00Z", 240, "u@example.com");
    assertEquals(List.of("2030-03-12T10:30:00Z 0.91", "2030-03-12T11:00:00Z 0.76", "2030-03-12T11:30:00Z 0.76",
        "2030-03-12T13:00:00Z 0.76", "2030-03-12T13:30:00Z 0.76"), starts(available(acme, body)));

    assertEquals(200, acme.delete("/v1/meetings/" + platformMeeting).await().statusCode());
    String hostedId = hosted.bodyAsJsonObject().getJsonObject("data").getString("id");
    assertEquals(200, acme.put("/v1/accounts/" + acmeAccount.getString("id") + "/meetings/" + hostedId + "/cancel", null)
        .await().statusCode());
    assertEquals(List.of("2030-03-12T10:00:00Z 0.91", "2030-03-12T10:30:00Z 0.91", "2030-03-12T09:00:00Z 0.76",
        "2030-03-12T09:30:00Z 0.76", "2030-03-12T11:00:00Z 0.76"), starts(available(acme, body)), "cancelled: free again");
  }

  @Test
  void aDayAtItsCapOffersNothingAndBuffersKeepTheirDistance() {
    known(acme, "u@example.com", new JsonObject().put("max_meetings_per_day", 1).put("buffer_minutes", 15));
    schedule(acme, "2030-03-12T07:00:00Z", 30, "u@example.com");
    assertEquals(List.of(), starts(available(acme, oneDay(List.of("u@example.com"), 30, "2030-03-12"))));
    schedule(acme, "2030-03-13T10:00:00Z", 30, "v@example.com");
    known(acme, "v@example.com", new JsonObject().put("buffer_minutes", 15));
    assertEquals(List.of("2030-03-13T10:45:00Z 0.91", "2030-03-13T09:00:00Z 0.76", "2030-03-13T11:15:00Z 0.76",
        "2030-03-13T13:00:00Z 0.76", "2030-03-13T13:30:00Z 0.76"),
        starts(available(acme, oneDay(List.of("v@example.com"), 30, "2030-03-13"))));
  }

  // ---- Google free/busy --------------------------------------------------------------------------

  @Test
  void googleBusyTimeIsReadWithTheConnectionsToken() {
    importConnection("g@example.com", google.grant("g@example.com").await(), null);
    google.addEvent("g@example.com", "2030-03-12T08:00:00Z", "2030-03-12T16:00:00Z", false).await();
    google.addEvent("g@example.com", "2030-03-12T16:00:00Z", "2030-03-12T17:00:00Z", true).await();
    Future<FakeGoogle.Request> asked = google.next("POST", "/freeBusy");
    assertEquals(List.of("2030-03-12T16:00:00Z 0.76", "2030-03-12T16:30:00Z 0.76"),
        starts(available(acme, oneDay(List.of("g@example.com"), 30, "2030-03-12"))), "a transparent event is free time");
    FakeGoogle.Request request = asked.await();
    assertEquals(new JsonObject().put("timeMin", "2030-03-11T23:30:00Z").put("timeMax", "2030-03-13T00:30:00Z")
        .put("timeZone", "UTC").put("items", new JsonArray().add(new JsonObject().put("id", "g@example.com"))), request.json());
    assertTrue(request.bearer().startsWith("ya29."), "the connection's access token");
  }

  @Test
  void aWindowOverThirtyDaysIsAskedOfGoogleInParts() {
    importConnection("g@example.com", google.grant("g@example.com").await(), null);
    available(acme, new JsonObject().put("attendees", new JsonArray().add("g@example.com"))
        .put("date_range", new JsonObject().put("start_date", "2030-03-01").put("end_date", "2030-04-09")));
    List<JsonObject> asked = google.requests().await().stream().filter(r -> r.path().endsWith("/freeBusy"))
        .map(r -> new JsonObject().put("timeMin", r.json().getString("timeMin")).put("timeMax", r.json().getString("timeMax")))
        .sorted(java.util.Comparator.comparing(r -> r.getString("timeMin"))).toList();
    assertEquals(List.of(
        new JsonObject().put("timeMin", "2030-02-28T23:30:00Z").put("timeMax", "2030-03-30T23:30:00Z"),
        new JsonObject().put("timeMin", "2030-03-30T23:30:00Z").put("timeMax", "2030-04-10T00:30:00Z")), asked);
  }

  @Test
  void googleFailingTwiceIsABadGatewayOnceIsRetried() {
    known(acme, "u@example.com", new JsonObject());
    importConnection("g@example.com", google.grant("g@example.com").await(), null);
    JsonObject body = oneDay(List.of("u@example.com", "g@example.com"), 30, "2030-03-12");
    JsonObject backendError = FakeGoogle.errorBody(500, "global", "backendError", "Backend Error");
    google.failNext("POST", "/freeBusy", 500, backendError).await();
    assertEquals(5, available(acme, body).getInteger("total_found"), "one failure: asked again after 500 ms");
    google.failNext("POST", "/freeBusy", 503, backendError).await();
    google.failNext("POST", "/freeBusy", 500, backendError).await();
    assertError(acme.post("/v1/availability", body).await(), 502, "calendar_unavailable",
        "Google did not answer for g@example.com's calendar: Google answered 500 backendError: Backend Error", "attendees[1]");
  }

  @Test
  void googleAnsweringTooSlowlyIsABadGateway() {
    importConnection("g@example.com", google.grant("g@example.com").await(), null);
    Future<FakeGoogle.Request> first = google.hold("POST", "/freeBusy", false, release.future());
    Future<FakeGoogle.Request> second = google.hold("POST", "/freeBusy", false, release.future());
    HttpResponse<Buffer> response = acme.post("/v1/availability", oneDay(List.of("g@example.com"), 30, "2030-03-12")).await();
    first.await();
    second.await();
    assertEquals(502, response.statusCode(), response.bodyAsString());
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertEquals("calendar_unavailable", error.getString("code"));
    assertEquals("attendees[0]", error.getString("field"));
    assertTrue(error.getString("message").startsWith("Google did not answer for g@example.com's calendar: "),
        error.getString("message"));
  }

  @Test
  void aGrantWithoutTheFreeBusyScopeMustReconnectAndCalendarErrorsFailClosed() {
    importConnection("old@example.com", google.grant("old@example.com", FakeGoogle.OLD_SCOPES).await(), null);
    assertError(acme.post("/v1/availability", oneDay(List.of("old@example.com"), 30, "2030-03-12")).await(), 409,
        "calendar_reconnect_required", "Google refused to show old@example.com's free/busy (Request had insufficient"
            + " authentication scopes.); send them to GET /v1/platform/oauth-url to connect again", "attendees[0]");
    importConnection("shared@example.com", google.grant("shared@example.com").await(), "team@example.com");
    assertError(acme.post("/v1/availability", oneDay(List.of("shared@example.com"), 30, "2030-03-12")).await(), 502,
        "calendar_unavailable", "Google could not read calendar team@example.com: notFound", "attendees[0]");
  }

  // ---- input -------------------------------------------------------------------------------------

  @Test
  void badRequestsNameTheirField() {
    known(acme, "u@example.com", new JsonObject());
    assertError(acme.post("/v1/availability", new JsonObject()).await(), 400, "invalid_field", "attendees is required",
        "attendees");
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) {
      eleven.add("p" + i + "@example.com");
    }
    assertError(acme.post("/v1/availability", new JsonObject().put("attendees", eleven)).await(), 400, "invalid_attendees",
        "attendees must list 1 to 10 email addresses", "attendees");
    assertError(acme.post("/v1/availability", new JsonObject().put("attendees", new JsonArray())).await(), 400,
        "invalid_attendees", "attendees must list 1 to 10 email addresses", "attendees");
    assertError(acme.post("/v1/availability", new JsonObject().put("attendees", new JsonArray().add("u@example.com")
        .add("U@example.com"))).await(), 400, "duplicate_email", "attendees[1] repeats attendees[0]", "attendees[1]");
    assertError(acme.post("/v1/availability", new JsonObject().put("attendees", new JsonArray().add("u@"))).await(), 400,
        "invalid_field", "attendees[0] is not a valid email address", "attendees[0]");
    assertError(acme.post("/v1/availability", oneDay(List.of("u@example.com"), 10, "2030-03-12")).await(), 400,
        "invalid_field", "duration_minutes must be a whole number from 15 to 120", "duration_minutes");
    assertError(acme.post("/v1/availability", new JsonObject().put("attendees", new JsonArray().add("u@example.com"))
        .put("date_range", new JsonObject().put("start_date", "2030-03-12"))).await(), 400, "invalid_field",
        "date_range.end_date is required", "date_range.end_date");
    assertError(acme.post("/v1/availability", new JsonObject().put("attendees", new JsonArray().add("u@example.com"))
        .put("date_range", new JsonObject().put("start_date", "12/03/2030").put("end_date", "2030-03-12"))).await(), 400,
        "invalid_field", "date_range.start_date must be a date YYYY-MM-DD or an RFC 3339 date-time", "date_range.start_date");
    assertError(acme.post("/v1/availability", new JsonObject().put("attendees", new JsonArray().add("u@example.com"))
        .put("date_range", new JsonObject().put("start_date", "2030-03-12").put("end_date", "2030-03-11"))).await(), 400,
        "invalid_date_range", "the window's end must be after its start", "date_range");
    assertError(acme.post("/v1/availability", new JsonObject().put("attendees", new JsonArray().add("u@example.com"))
        .put("earliest_date", "2030-01-01").put("latest_date", "2030-04-01")).await(), 400,
        "invalid_date_range", "the window spans 91 days; at most 90", "latest_date");
    assertError(acme.post("/v1/availability", oneDay(List.of("u@example.com"), 30, "2030-03-12").put("context", "x".repeat(501)))
        .await(), 400, "invalid_field", "context must be at most 500 characters", "context");
    assertError(acme.post("/v1/availability", oneDay(List.of("u@example.com", "who@example.com"), 30, "2030-03-12")).await(),
        404, "user_not_found", "user who@example.com is not known: store preferences for them or have them connect"
            + " their calendar (GET /v1/platform/oauth-url)", "attendees[1]");
    assertError(globex.post("/v1/availability", oneDay(List.of("u@example.com"), 30, "2030-03-12")).await(), 404,
        "user_not_found", "user u@example.com is not known: store preferences for them or have them connect their"
            + " calendar (GET /v1/platform/oauth-url)", "attendees[0]");
  }
}
