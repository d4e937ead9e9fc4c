package io.convene.meeting;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.TestDatabase;
import io.convene.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two instances on one database, each working changes out from the meetings it last saw: what the
 * other instance changed meanwhile is never overwritten, events chain without a gap, and a stale
 * memory never answers 412 or 404 on its own.
 */
class LastSeenMeetingsTest {
  private Vertx oneVertx;
  private Vertx twoVertx;
  private TestApp one;
  private TestCalls viaOne;
  private TestCalls viaTwo;

  @BeforeEach
  void start() {
    Database database = TestDatabase.fresh();
    oneVertx = Vertx.vertx();
    twoVertx = Vertx.vertx();
    Future<TestApp> starting = TestApp.start(oneVertx, database, Map.of());
    Future<TestApp> startingToo = TestApp.start(twoVertx, database, Map.of());
    Future.all(starting, startingToo).await();
    one = starting.result();
    String key = one.createAccount("Acme").await().getString("api_key");
    viaOne = TestCalls.withKey(one, key);
    viaTwo = TestCalls.withKey(startingToo.result(), key);
  }

  @AfterEach
  void stop() {
    oneVertx.close().await();
    twoVertx.close().await();
  }

  private String schedule() {
    HttpResponse<Buffer> response = viaOne.post("/v1/schedule", new JsonObject("""
        {"attendees": ["alice@example.com"], "start_time": "2025-11-25T14:00:00-08:00",
         "duration_minutes": 30, "title": "Intro"}""")).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("meeting_id");
  }

  private static JsonObject at(String hour) {
    return new JsonObject().put("start_time", "2025-11-26T" + hour + ":00:00-08:00")
        .put("end_time", "2025-11-26T" + hour + ":30:00-08:00");
  }

  @Test
  void aChangeFromAStaleMemoryStartsFromWhatTheOtherInstanceWrote() {
    String id = schedule();
    assertEquals(200, viaOne.put("/v1/meetings/" + id, at("10")).await().statusCode());
    assertEquals(200, viaTwo.put("/v1/meetings/" + id, at("11")).await().statusCode());
    HttpResponse<Buffer> third = viaOne.put("/v1/meetings/" + id, at("12")).await();
    assertEquals(200, third.statusCode(), third.bodyAsString());
    assertEquals("\"" + id + ".4\"", third.getHeader("ETag"));

    List<Row> events = one.events(id);
    assertEquals(List.of(1, 2, 3, 4), events.stream().map(e -> e.getInteger("sequence")).toList());
    JsonObject last = (JsonObject) events.get(3).getValue("data");
    assertEquals("2025-11-26T11:00:00-08:00", last.getJsonObject("changes").getString("old_start_time"),
        "planned from the other instance's write, not from the remembered one");
    assertEquals("2025-11-26T12:00:00-08:00",
        viaTwo.get("/v1/meetings/" + id).await().bodyAsJsonObject().getString("start_time"));
  }

  @Test
  void aStaleMemoryNeverRefusesOnItsOwn() {
    String id = schedule();
    assertEquals(200, viaOne.get("/v1/meetings/" + id).await().statusCode());
    HttpResponse<Buffer> moved = viaTwo.put("/v1/meetings/" + id, at("10")).await();
    String etag = moved.getHeader("ETag");
    HttpResponse<Buffer> matched = viaOne.header("If-Match", etag).put("/v1/meetings/" + id, at("11")).await();
    assertEquals(200, matched.statusCode(), "If-Match of the current version: " + matched.bodyAsString());

    assertError(viaOne.header("If-Match", etag).put("/v1/meetings/" + id, at("12")).await(), 412,
        "precondition_failed", "If-Match does not match the meeting's current ETag; read it again and retry", null);

    assertEquals(200, viaTwo.delete("/v1/meetings/" + id).await().statusCode());
    assertError(viaOne.put("/v1/meetings/" + id, at("13")).await(), 404, "meeting_not_found",
        "meeting " + id + " not found", null);
  }
}
