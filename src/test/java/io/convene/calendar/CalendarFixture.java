package io.convene.calendar;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A Convene pointed at a {@link FakeGoogle}, with one platform tenant whose redirect URI is registered. */
final class CalendarFixture {
  static final String PLATFORM_REDIRECT = "https://app.example.com/calendar/done";
  static final long WAIT_SECONDS = 20;

  final FakeGoogle google;
  final TestApp app;
  final JsonObject account;
  final TestCalls platform;
  final Outcomes outcomes;

  private CalendarFixture(FakeGoogle google, TestApp app, JsonObject account) {
    this.google = google;
    this.app = app;
    this.account = account;
    this.platform = TestCalls.withKey(app, account.getString("api_key"));
    this.outcomes = Outcomes.listen(app.vertx);
  }

  /** The stand-in runs on {@code vertx}; Convene on {@code appVertx} (the same one, unless a test restarts it). */
  static CalendarFixture start(Vertx vertx, Vertx appVertx, Map<String, String> env) {
    FakeGoogle google = FakeGoogle.start(vertx).await();
    Map<String, String> all = new HashMap<>(google.env());
    all.putAll(env);
    TestApp app = TestApp.start(appVertx, all).await();
    return withApp(google, app, app.createAccount("Acme").await());
  }

  static CalendarFixture withApp(FakeGoogle google, TestApp app, JsonObject account) {
    CalendarFixture f = new CalendarFixture(google, app, account);
    f.ok(f.platform.put("/v1/platform/settings",
        new JsonObject().put("redirect_uris", new JsonArray().add(PLATFORM_REDIRECT))));
    return f;
  }

  String accountId() {
    return account.getString("id");
  }

  /** The whole consent flow for {@code email}; answers the callback's redirect. */
  String connect(String email) {
    String state = consentState(email, "platform-state");
    String code = await(google.consent(email));
    return callback("code=" + enc(code) + "&state=" + enc(state)).getHeader("Location");
  }

  /** Asks for a consent link and answers the {@code state} in it, as Google would send it back. */
  String consentState(String email, String platformState) {
    JsonObject answer = ok(platform.get("/v1/platform/oauth-url?user_email=" + enc(email) + "&redirect_uri="
        + enc(PLATFORM_REDIRECT) + (platformState == null ? "" : "&state=" + enc(platformState))));
    return query(answer.getString("oauth_url")).get("state");
  }

  HttpResponse<Buffer> callback(String query) {
    return await(app.client.get("/oauth/google/callback?" + query).followRedirects(false).send());
  }

  String schedule(JsonObject body) {
    return ok(platform.post("/v1/schedule", body)).getString("meeting_id");
  }

  JsonObject meeting(String id) {
    return ok(platform.get("/v1/meetings/" + id));
  }

  JsonObject ok(Future<HttpResponse<Buffer>> call) {
    HttpResponse<Buffer> response = await(call);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  List<Row> rows(String sql, Object... params) {
    List<Row> rows = new ArrayList<>();
    await(app.database.pool(app.vertx).preparedQuery(sql).execute(Tuple.wrap(params))).forEach(rows::add);
    return rows;
  }

  /** Waits on the test thread, with a limit, so that a bug fails the test instead of hanging it. */
  static <T> T await(Future<T> future) {
    try {
      return future.await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("nothing happened within " + WAIT_SECONDS + " s", e);
    }
  }

  static Map<String, String> query(String url) {
    Map<String, String> params = new HashMap<>();
    String raw = URI.create(url).getRawQuery();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static MultiMap form(FakeGoogle.Request request) {
    return request.form();
  }

  /** The sync worker's outcomes ({@code {meeting_id, status}}), kept from the start so none is missed. */
  static final class Outcomes {
    private final List<JsonObject> history = new ArrayList<>();
    private final List<JsonObject> unclaimed = new ArrayList<>();
    private final List<Map.Entry<Predicate<JsonObject>, Promise<JsonObject>>> waiting = new ArrayList<>();

    static Outcomes listen(Vertx vertx) {
      Outcomes outcomes = new Outcomes();
      CalendarFixture.await(vertx.eventBus().<JsonObject>consumer(CalendarSyncVerticle.OUTCOMES, m -> outcomes.add(m.body()))
          .completion());
      return outcomes;
    }

    private synchronized void add(JsonObject outcome) {
      history.add(outcome);
      for (var w : waiting) {
        if (w.getKey().test(outcome)) {
          waiting.remove(w);
          w.getValue().complete(outcome);
          return;
        }
      }
      unclaimed.add(outcome);
    }

    /**
     * The next outcome for the meeting with that status that no earlier call took, seen already or
     * still to come.
     */
    JsonObject await(String meetingId, String status) {
      Promise<JsonObject> promise = Promise.promise();
      Predicate<JsonObject> match = o -> o.getString("meeting_id").equals(meetingId) && o.getString("status").equals(status);
      synchronized (this) {
        JsonObject seen = unclaimed.stream().filter(match).findFirst().orElse(null);
        if (seen != null) {
          unclaimed.remove(seen);
          promise.complete(seen);
        } else {
          waiting.add(Map.entry(match, promise));
        }
      }
      return CalendarFixture.await(promise.future());
    }

    /** Every status seen for the meeting so far, in order. */
    synchronized List<String> of(String meetingId) {
      return history.stream().filter(o -> o.getString("meeting_id").equals(meetingId))
          .map(o -> o.getString("status")).toList();
    }
  }
}
