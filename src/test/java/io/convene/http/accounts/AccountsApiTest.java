package io.convene.http.accounts;

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

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Accounts API (Sakari dialect) against the seed page and contracts.md §3 and §6, called with OAuth tokens. */
@ExtendWith(VertxExtension.class)
class AccountsApiTest {
  static JsonObject mobile() {
    return new JsonObject().put("country", "US").put("number", "123-456-7890").put("verified", "2023-11-07T05:31:56Z")
        .put("valid", true).put("lineType", "mobile");
  }

  static JsonObject person(String email, String first) {
    return new JsonObject().put("email", email).put("firstName", first).put("lastName", "Bloggs").put("mobile", mobile());
  }

  /**
   * The seed page's request body with its placeholders filled in, less {@code id}. Its
   * {@code calendar.connection} is null: the account has no calendar connection to name yet.
   */
  static final JsonObject SEED = new JsonObject()
      .put("name", "Quarterly review")
      .put("start", "2023-11-07T05:31:56Z")
      .put("end", "2023-11-07T06:31:56Z")
      .put("calendar", new JsonObject().put("connection", null))
      .put("hosts", new JsonArray().add(person("chris@example.com", "Chris")))
      .put("attendees", new JsonArray().add(person("dana@example.com", "Dana")))
      .put("cancelled", false)
      .put("notes", "Bring the numbers")
      .put("conferencing", new JsonObject().put("provider", "zoom").put("joinUrl", "https://zoom.example/j/123"));

  private TestApp app;
  private JsonObject acmeAccount;
  private TestCalls acme;
  private TestCalls acmeKey;
  private TestCalls globex;
  private String meetings;
  private String globexMeetings;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx).await();
    acmeAccount = app.createAccount("Acme").await();
    JsonObject globexAccount = app.createAccount("Globex").await();
    acme = TestCalls.withKey(app, app.accessToken(acmeAccount).await());
    acmeKey = TestCalls.withKey(app, acmeAccount.getString("api_key"));
    globex = TestCalls.withKey(app, app.accessToken(globexAccount).await());
    meetings = "/v1/accounts/" + acmeAccount.getString("id") + "/meetings";
    globexMeetings = "/v1/accounts/" + globexAccount.getString("id") + "/meetings";
  }

  private JsonObject create(JsonObject body) {
    HttpResponse<Buffer> response = acme.post(meetings, body).await();
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonObject("data");
  }

  /** {@code body} as the API must answer it: with the meeting's id and the ids the people were given. */
  private static JsonObject withIds(JsonObject body, String id, JsonObject answered) {
    JsonObject expected = body.copy().put("id", id)
        .put("calendar_sync", new JsonObject().put("status", "not_connected").put("error", null))
        .put("meetingEvent", null);
    for (String list : List.of("hosts", "attendees")) {
      JsonArray people = expected.getJsonArray(list);
      for (int i = 0; i < people.size(); i++) {
        String personId = answered.getJsonArray(list).getJsonObject(i).getString("id");
        assertTrue(personId != null && personId.startsWith("per_"), list + "[" + i + "] id: " + personId);
        people.getJsonObject(i).put("id", personId);
      }
    }
    return expected;
  }

  private static String id(JsonObject person) {
    return person.getString("id");
  }

  @Test
  void theSeedBodyRoundTripsThroughCreateUpdateAndRead() {
    HttpResponse<Buffer> created = acme.post(meetings, SEED).await();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject data = created.bodyAsJsonObject().getJsonObject("data");
    String id = data.getString("id");
    assertTrue(id.startsWith("meet_"), id);
    assertEquals(new JsonObject().put("success", true).put("data", withIds(SEED, id, data)), created.bodyAsJsonObject());
    assertEquals("\"" + id + ".1\"", created.getHeader("ETag"));

    HttpResponse<Buffer> read = acme.get(meetings + "/" + id).await();
    assertEquals(200, read.statusCode());
    assertEquals(created.bodyAsJsonObject(), read.bodyAsJsonObject());
    assertEquals("\"" + id + ".1\"", read.getHeader("ETag"));

    // The seed's PUT: everything replaced; Chris and Dana stay, so they keep their ids; Eve is new.
    JsonObject update = SEED.copy().put("id", id).put("name", "Quarterly review (moved)")
        .put("start", "2023-11-08T05:31:56Z").put("end", "2023-11-08T06:31:56Z").put("notes", "Bring the new numbers");
    update.getJsonArray("attendees").add(person("eve@example.com", "Eve"));
    HttpResponse<Buffer> updated = acme.put(meetings + "/" + id, update).await();
    assertEquals(200, updated.statusCode(), updated.bodyAsString());
    JsonObject after = updated.bodyAsJsonObject().getJsonObject("data");
    assertEquals(new JsonObject().put("success", true).put("data", withIds(update, id, after)), updated.bodyAsJsonObject());
    assertEquals(id(data.getJsonArray("hosts").getJsonObject(0)), id(after.getJsonArray("hosts").getJsonObject(0)));
    assertEquals(id(data.getJsonArray("attendees").getJsonObject(0)), id(after.getJsonArray("attendees").getJsonObject(0)));
    assertNotEquals(id(after.getJsonArray("attendees").getJsonObject(0)), id(after.getJsonArray("attendees").getJsonObject(1)));
    assertEquals("\"" + id + ".2\"", updated.getHeader("ETag"));
    assertEquals(updated.bodyAsJsonObject(), acme.get(meetings + "/" + id).await().bodyAsJsonObject());

    // As in the seed's example, cancelled: true cancels; nothing else changed, so only meeting.cancelled is written.
    HttpResponse<Buffer> cancelled = acme.put(meetings + "/" + id, update.copy().put("cancelled", true)).await();
    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    assertEquals(new JsonObject().put("success", true).put("data", withIds(update, id, after).put("cancelled", true)),
        cancelled.bodyAsJsonObject());
    assertEquals(cancelled.bodyAsJsonObject(), acme.get(meetings + "/" + id).await().bodyAsJsonObject(), "reading still works");
    assertEquals(List.of("meeting.scheduled", "meeting.updated", "meeting.cancelled"),
        app.events(id).stream().map(r -> r.getString("type")).toList());
    assertEquals("meeting_updated", ((JsonObject) app.events(id).get(1).getValue("data")).getJsonObject("changes").getString("reason"));

    String message = "meeting " + id + " is cancelled; cancellation is final";
    assertError(acme.put(meetings + "/" + id, update).await(), 409, "meeting_cancelled", message, null);
    assertError(acme.put(meetings + "/" + id, update.copy().put("cancelled", true)).await(), 409, "meeting_cancelled",
        message, null);
    assertError(acme.put(meetings + "/" + id + "/cancel", null).await(), 409, "meeting_cancelled", message, null);
    assertEquals(3, app.events(id).size(), "refused changes write nothing");
  }

  @Test
  void aCancellingUpdateThatAlsoChangesWritesUpdatedThenCancelled() {
    JsonObject data = create(SEED);
    String id = data.getString("id");
    HttpResponse<Buffer> response = acme.put(meetings + "/" + id,
        SEED.copy().put("id", id).put("name", "Called off").put("cancelled", true)).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(Boolean.TRUE, response.bodyAsJsonObject().getJsonObject("data").getBoolean("cancelled"));
    assertEquals("Called off", response.bodyAsJsonObject().getJsonObject("data").getString("name"));
    assertEquals("\"" + id + ".3\"", response.getHeader("ETag"));
    assertEquals(List.of("meeting.scheduled", "meeting.updated", "meeting.cancelled"),
        app.events(id).stream().map(r -> r.getString("type")).toList());
  }

  @Test
  void cancelAnswersTheCancelledMeeting() {
    JsonObject data = create(SEED);
    String id = data.getString("id");
    HttpResponse<Buffer> response = acme.put(meetings + "/" + id + "/cancel", null).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(new JsonObject().put("success", true).put("data", data.copy().put("cancelled", true)),
        response.bodyAsJsonObject());
    assertEquals("\"" + id + ".2\"", response.getHeader("ETag"));
    JsonObject event = (JsonObject) app.events(id).get(1).getValue("data");
    assertEquals("cancelled_by_platform", event.getString("reason"));
    assertEquals(acmeAccount.getString("id"), event.getString("cancelled_by"));
  }

  @Test
  void unknownAndForeignMeetingsAreNotFound() {
    String theirs = globex.post(globexMeetings, SEED).await().bodyAsJsonObject().getJsonObject("data").getString("id");
    for (String id : List.of("meet_doesnotexist", theirs)) {
      String message = "meeting " + id + " not found";
      assertError(acme.get(meetings + "/" + id).await(), 404, "meeting_not_found", message, null);
      assertError(acme.put(meetings + "/" + id, SEED.copy().put("id", id)).await(), 404, "meeting_not_found", message, null);
      assertError(acme.put(meetings + "/" + id + "/cancel", null).await(), 404, "meeting_not_found", message, null);
    }
    assertEquals(new JsonArray(), acme.get(meetings).await().bodyAsJsonObject().getJsonArray("data"));
    assertEquals(1, app.events(theirs).size(), "nothing was changed");
  }

  @Test
  void ifMatchGuardsUpdateAndCancel() {
    String id = create(SEED).getString("id");
    String etag = acme.get(meetings + "/" + id).await().getHeader("ETag");
    JsonObject update = SEED.copy().put("id", id).put("name", "Renamed");
    HttpResponse<Buffer> first = acme.header("If-Match", etag).put(meetings + "/" + id, update).await();
    assertEquals(200, first.statusCode(), first.bodyAsString());
    String message = "If-Match does not match the meeting's current ETag; read it again and retry";
    assertError(acme.header("If-Match", etag).put(meetings + "/" + id, update).await(), 412, "precondition_failed",
        message, null);
    assertError(acme.header("If-Match", etag).put(meetings + "/" + id + "/cancel", null).await(), 412,
        "precondition_failed", message, null);
    assertEquals(200, acme.header("If-Match", first.getHeader("ETag")).put(meetings + "/" + id + "/cancel", null)
        .await().statusCode());
  }

  @Test
  void idempotencyKeyReplaysTheFirstAnswer() {
    TestCalls keyed = acme.header("Idempotency-Key", "create-7");
    HttpResponse<Buffer> first = keyed.post(meetings, SEED).await();
    HttpResponse<Buffer> again = keyed.post(meetings, SEED).await();
    assertEquals(201, again.statusCode());
    assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject());
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertNull(first.getHeader("Idempotent-Replayed"));
    assertEquals(first.getHeader("ETag"), again.getHeader("ETag"));
    assertEquals(1, acme.get(meetings).await().bodyAsJsonObject().getJsonArray("data").size());
    assertError(keyed.post(meetings, SEED.copy().put("name", "Other")).await(), 422, "idempotency_key_reused",
        "this Idempotency-Key was used with a different request", "Idempotency-Key");

    String id = first.bodyAsJsonObject().getJsonObject("data").getString("id");
    TestCalls cancelKey = acme.header("Idempotency-Key", "cancel-7");
    HttpResponse<Buffer> cancelled = cancelKey.put(meetings + "/" + id + "/cancel", null).await();
    HttpResponse<Buffer> cancelledAgain = cancelKey.put(meetings + "/" + id + "/cancel", null).await();
    assertEquals(200, cancelledAgain.statusCode(), "a retried cancel is not a 409");
    assertEquals(cancelled.bodyAsJsonObject(), cancelledAgain.bodyAsJsonObject());
  }

  private List<String> ids(String query) {
    HttpResponse<Buffer> response = acme.get(meetings + query).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    List<String> ids = new ArrayList<>();
    response.bodyAsJsonObject().getJsonArray("data").forEach(m -> ids.add(((JsonObject) m).getString("id")));
    return ids;
  }

  private JsonObject pagination(String query) {
    return acme.get(meetings + query).await().bodyAsJsonObject().getJsonObject("pagination");
  }

  private static JsonObject page(int limit, int offset, boolean hasNext) {
    return new JsonObject().put("limit", limit).put("offset", offset).put("hasNext", hasNext);
  }

  @Test
  void listPagesByOffsetWithHasNextRightAtTheBoundaries() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      made.add(create(SEED.copy().put("name", "Meeting " + i)).getString("id"));
    }
    assertEquals(made, ids(""), "in creation order");
    assertEquals(page(20, 0, false), pagination(""), "default limit 20");
    assertEquals(made.subList(0, 2), ids("?limit=2"));
    assertEquals(page(2, 0, true), pagination("?limit=2"));
    assertEquals(made.subList(2, 4), ids("?limit=2&offset=2"));
    assertEquals(page(2, 2, true), pagination("?limit=2&offset=2"));
    assertEquals(made.subList(4, 5), ids("?limit=2&offset=4"));
    assertEquals(page(2, 4, false), pagination("?limit=2&offset=4"));
    assertEquals(page(4, 0, true), pagination("?limit=4"), "one left over");
    assertEquals(page(5, 0, false), pagination("?limit=5"), "exactly all");
    assertEquals(page(1, 4, false), pagination("?limit=1&offset=4"), "the last one");
    assertEquals(page(1, 3, true), pagination("?limit=1&offset=3"));
    assertEquals(List.of(), ids("?offset=5"));
    assertEquals(page(20, 5, false), pagination("?offset=5"));
    assertEquals(page(100, 0, false), pagination("?limit=100"));
    JsonObject whole = acme.get(meetings + "?limit=1").await().bodyAsJsonObject();
    assertEquals(Set.of("success", "data", "pagination"), whole.fieldNames());
    assertEquals(acme.get(meetings + "/" + made.get(0)).await().bodyAsJsonObject().getJsonObject("data"),
        whole.getJsonArray("data").getJsonObject(0), "list items are the same meeting object");
  }

  @Test
  void listFiltersByAttendeeIdHostIdAndName() {
    JsonObject first = create(SEED.copy().put("name", "Budget review"));
    JsonObject other = SEED.copy().put("name", "Team lunch")
        .put("hosts", new JsonArray().add(person("frank@example.com", "Frank")))
        .put("attendees", new JsonArray().add(person("dana@example.com", "Dana")).add(person("gail@example.com", "Gail")));
    JsonObject second = create(other);
    String dana = id(first.getJsonArray("attendees").getJsonObject(0));
    String danaInSecond = id(second.getJsonArray("attendees").getJsonObject(0));
    String gail = id(second.getJsonArray("attendees").getJsonObject(1));
    String chris = id(first.getJsonArray("hosts").getJsonObject(0));
    String frank = id(second.getJsonArray("hosts").getJsonObject(0));
    assertEquals(List.of(first.getString("id")), ids("?attendee=" + dana));
    assertEquals(List.of(second.getString("id")), ids("?attendee=" + danaInSecond), "person ids are per meeting");
    assertEquals(List.of(second.getString("id")), ids("?attendee=" + gail));
    assertEquals(List.of(), ids("?attendee=" + chris), "a host is not an attendee");
    assertEquals(List.of(first.getString("id")), ids("?host=" + chris));
    assertEquals(List.of(second.getString("id")), ids("?host=" + frank));
    assertEquals(List.of(first.getString("id")), ids("?name=BUDGET"));
    assertEquals(List.of(second.getString("id")), ids("?name=lunch&attendee=" + gail));
    assertEquals(List.of(first.getString("id"), second.getString("id")), ids("?name="));
    assertEquals(List.of(), ids("?name=100%25"));
  }

  @Test
  void aPlatformMeetingReadsConsistentlyHere() {
    JsonObject scheduled = acmeKey.post("/v1/schedule", new JsonObject()
        .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
        .put("start_time", "2025-11-25T14:00:00-08:00")
        .put("duration_minutes", 30)
        .put("title", "Intro call")).await().bodyAsJsonObject();
    String id = scheduled.getString("meeting_id");
    HttpResponse<Buffer> read = acme.get(meetings + "/" + id).await();
    assertEquals(200, read.statusCode(), read.bodyAsString());
    JsonObject data = read.bodyAsJsonObject().getJsonObject("data");
    JsonArray attendees = data.getJsonArray("attendees");
    assertEquals(new JsonObject()
        .put("id", id)
        .put("name", "Intro call")
        .put("start", "2025-11-25T22:00:00Z")
        .put("end", "2025-11-25T22:30:00Z")
        .put("calendar", new JsonObject().put("connection", null))
        .put("hosts", new JsonArray())
        .put("attendees", new JsonArray()
            .add(new JsonObject().put("id", id(attendees.getJsonObject(0))).put("email", "alice@example.com"))
            .add(new JsonObject().put("id", id(attendees.getJsonObject(1))).put("email", "bob@example.com")))
        .put("cancelled", false)
        .put("notes", null)
        .put("conferencing", null)
        .put("calendar_sync", new JsonObject().put("status", "not_connected").put("error", null))
        .put("meetingEvent", null), data);
    assertEquals(read.getHeader("ETag"), acmeKey.get("/v1/meetings/" + id).await().getHeader("ETag"), "one version, one tag");

    // What was read can be sent back as the update (ids included, they are ignored); the Platform's
    // location, which this surface does not carry, survives it.
    JsonObject update = data.copy().put("name", "Intro call (moved)").put("start", "2025-11-26T22:00:00Z")
        .put("end", "2025-11-26T22:30:00Z");
    assertEquals(200, acme.put(meetings + "/" + id, update).await().statusCode());
    JsonObject platform = acmeKey.get("/v1/meetings/" + id).await().bodyAsJsonObject();
    assertEquals("Intro call (moved)", platform.getString("title"));
    assertEquals("2025-11-26T22:00:00Z", platform.getString("start_time"));
    assertEquals("2025-11-26T22:30:00Z", platform.getString("end_time"));
    assertEquals(new JsonArray().add("alice@example.com").add("bob@example.com"), platform.getJsonArray("attendees"));
    assertEquals("Google Meet", platform.getString("location"));
    assertEquals(attendees, acme.get(meetings + "/" + id).await().bodyAsJsonObject().getJsonObject("data")
        .getJsonArray("attendees"), "the people kept their ids");

    assertEquals(200, acmeKey.delete("/v1/meetings/" + id).await().statusCode());
    assertEquals(Boolean.TRUE, acme.get(meetings + "/" + id).await().bodyAsJsonObject().getJsonObject("data")
        .getBoolean("cancelled"));
    assertError(acme.put(meetings + "/" + id, update).await(), 409, "meeting_cancelled",
        "meeting " + id + " is cancelled; cancellation is final", null);
  }

  @Test
  void anAccountsMeetingReadsConsistentlyOnThePlatformApi() {
    JsonObject data = create(SEED.copy().put("start", "2025-11-25T14:00:00-08:00").put("end", "2025-11-25T15:00:00-08:00"));
    String id = data.getString("id");
    assertEquals("2025-11-25T22:00:00Z", data.getString("start"), "answered in UTC");
    JsonObject platform = acmeKey.get("/v1/meetings/" + id).await().bodyAsJsonObject();
    assertEquals("Quarterly review", platform.getString("title"));
    assertEquals("2025-11-25T14:00:00-08:00", platform.getString("start_time"), "the Platform API keeps the offset sent");
    assertEquals("2025-11-25T15:00:00-08:00", platform.getString("end_time"));
    assertEquals(new JsonArray().add("dana@example.com"), platform.getJsonArray("attendees"));
    assertEquals("https://zoom.example/j/123", platform.getString("meet_link"));
    assertEquals("scheduled", platform.getString("status"));

    HttpResponse<Buffer> rescheduled = acmeKey.put("/v1/meetings/" + id, new JsonObject()
        .put("start_time", "2025-11-27T09:00:00+01:00").put("end_time", "2025-11-27T10:00:00+01:00")).await();
    assertEquals(200, rescheduled.statusCode());
    JsonObject after = acme.get(meetings + "/" + id).await().bodyAsJsonObject().getJsonObject("data");
    assertEquals(data.copy().put("start", "2025-11-27T08:00:00Z").put("end", "2025-11-27T09:00:00Z"), after,
        "a Platform reschedule keeps hosts, people, notes and conferencing");

    acme.put(meetings + "/" + id + "/cancel", null).await();
    assertEquals("cancelled", acmeKey.get("/v1/meetings/" + id).await().bodyAsJsonObject().getString("status"));
    assertEquals(404, acmeKey.put("/v1/meetings/" + id, new JsonObject()
        .put("start_time", "2025-11-27T09:00:00+01:00").put("end_time", "2025-11-27T10:00:00+01:00")).await().statusCode());
  }

  /** The dotted names of every member, nested objects included: an event's shape. */
  private static Set<String> shape(JsonObject json, String prefix) {
    Set<String> names = new TreeSet<>();
    for (String name : json.fieldNames()) {
      names.add(prefix + name);
      if (json.getValue(name) instanceof JsonObject nested) {
        names.addAll(shape(nested, prefix + name + "."));
      }
    }
    return names;
  }

  private List<Set<String>> shapes(String meetingId) {
    return app.events(meetingId).stream().map(r -> {
      Set<String> s = shape((JsonObject) r.getValue("data"), "");
      s.add("type:" + r.getString("type"));
      return s;
    }).toList();
  }

  @Test
  void eventsFromEitherSurfaceHaveTheSameShapes() {
    String viaPlatform = acmeKey.post("/v1/schedule", new JsonObject()
        .put("attendees", new JsonArray().add("dana@example.com"))
        .put("start_time", "2023-11-07T05:31:56Z").put("duration_minutes", 60).put("title", "Quarterly review"))
        .await().bodyAsJsonObject().getString("meeting_id");
    acmeKey.put("/v1/meetings/" + viaPlatform, new JsonObject()
        .put("start_time", "2023-11-08T05:31:56Z").put("end_time", "2023-11-08T06:31:56Z")).await();
    acmeKey.delete("/v1/meetings/" + viaPlatform).await();

    String viaAccounts = create(SEED).getString("id");
    acme.put(meetings + "/" + viaAccounts, SEED.copy().put("id", viaAccounts)
        .put("start", "2023-11-08T05:31:56Z").put("end", "2023-11-08T06:31:56Z")).await();
    acme.put(meetings + "/" + viaAccounts + "/cancel", null).await();

    assertEquals(shapes(viaPlatform), shapes(viaAccounts));
    JsonObject updated = (JsonObject) app.events(viaAccounts).get(1).getValue("data");
    assertEquals(new JsonObject()
        .put("meeting_id", viaAccounts)
        .put("attendees", new JsonArray().add("dana@example.com"))
        .put("updated_at", updated.getString("updated_at"))
        .put("changes", new JsonObject()
            .put("updated_by", acmeAccount.getString("id"))
            .put("reason", "meeting_updated")
            .put("old_start_time", "2023-11-07T05:31:56Z")
            .put("new_start_time", "2023-11-08T05:31:56Z")
            .put("old_end_time", "2023-11-07T06:31:56Z")
            .put("new_end_time", "2023-11-08T06:31:56Z"))
        .put("source", "api")
        .put("sequence", 2), updated);
    assertEquals(List.of(updated.copy().put("new_meeting_id", viaAccounts)),
        app.rescheduled(viaAccounts).stream().map(r -> r.getValue("data")).toList(), "an Accounts PUT that moves writes it too");
    assertEquals(List.of(1, 2, 3), app.events(viaAccounts).stream().map(r -> r.getInteger("sequence")).toList());
  }

  @Test
  void unknownFieldsAreIgnoredAndPeopleComeBackAsSent() {
    JsonObject body = SEED.copy().put("colour", "blue").put("id", "ignored-on-create");
    body.getJsonArray("hosts").getJsonObject(0).put("id", "per_mine").put("nickname", "C")
        .getJsonObject("mobile").put("carrier", "x");
    body.getJsonObject("calendar").put("colour", "red");
    JsonObject minimal = new JsonObject().put("email", "sam@example.com");
    body.getJsonArray("attendees").add(minimal)
        .add(new JsonObject().put("email", "kim@example.com").put("mobile", new JsonObject().put("number", "555")));
    JsonObject data = create(body);
    assertNotEquals("ignored-on-create", data.getString("id"));
    JsonObject host = data.getJsonArray("hosts").getJsonObject(0);
    assertNotEquals("per_mine", id(host), "ids are the server's");
    assertEquals(person("chris@example.com", "Chris").put("id", id(host)), host);
    assertEquals(new JsonObject().put("id", id(data.getJsonArray("attendees").getJsonObject(1))).put("email", "sam@example.com"),
        data.getJsonArray("attendees").getJsonObject(1));
    assertEquals(new JsonObject().put("number", "555"),
        data.getJsonArray("attendees").getJsonObject(2).getJsonObject("mobile"));
    assertEquals(new JsonObject().put("connection", null), data.getJsonObject("calendar"));
    assertTrue(!data.containsKey("colour"));
  }
}
