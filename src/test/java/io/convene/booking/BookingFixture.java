package io.convene.booking;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Meeting events and bookings as the tests make them. */
public final class BookingFixture {
  /** Far ahead (2030) is inside this horizon, so that slots and their bodies are fixed. */
  public static final String HORIZON_DAYS = "3650";

  private BookingFixture() {
  }

  public static JsonObject clock(int hour, int minute) {
    return new JsonObject().put("hour", hour).put("minute", minute);
  }

  public static JsonObject interval(int h0, int m0, int h1, int m1) {
    return new JsonObject().put("start", clock(h0, m0)).put("end", clock(h1, m1));
  }

  /** "Intro call", 30 or 60 minutes, Dana hosting, Mondays 09:00–12:00 Paris time. */
  public static JsonObject intro() {
    return new JsonObject()
        .put("name", "Intro call")
        .put("slug", "intro-call")
        .put("description", "Thirty minutes to get to know each other")
        .put("durations", new JsonArray().add(30).add(60))
        .put("availability", new JsonObject().put("timezone", "Europe/Paris")
            .put("times", new JsonObject().put("mon", new JsonArray().add(interval(9, 0, 12, 0)))))
        .put("hosts", new JsonArray().add(new JsonObject().put("email", "dana@example.com").put("firstName", "Dana")
            .put("lastName", "Lee")));
  }

  public static JsonObject booker(String email) {
    return new JsonObject().put("firstName", "Pat").put("lastName", "Quinn").put("email", email);
  }

  public static JsonObject booking(String start, int duration, JsonObject... attendees) {
    return new JsonObject().put("start", start).put("duration", duration).put("attendees", new JsonArray(List.of(attendees)));
  }

  public static JsonObject ok(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  public static TestCalls anonymous(TestApp app) {
    return TestCalls.withHeaders(app, MultiMap.caseInsensitiveMultiMap());
  }

  /** The token of a manage link. */
  public static String token(String link) {
    return link.substring(link.indexOf("token=") + "token=".length());
  }

  /** The path and query of a manage link (the base is the configured public_base_url). */
  public static String path(String link) {
    return link.substring(link.indexOf("/public/v1/"));
  }
}
