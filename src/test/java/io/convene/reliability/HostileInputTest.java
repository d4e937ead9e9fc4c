package io.convene.reliability;

import io.convene.TestApp;
import io.convene.RawConnection;
import io.convene.TestCalls;
import io.vertx.core.MultiMap;
import io.convene.http.server.HttpVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;
import io.vertx.ext.web.Route;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A generated corpus of hostile requests across every endpoint: each answer is a 2xx (odd but
 * valid input) or a 4xx in the error shape, never a 5xx; the server stays healthy and another
 * tenant's data is untouched.
 */
@ExtendWith(VertxExtension.class)
class HostileInputTest {
  private static final List<String> HOSTILE_VALUES = List.of(
      "", " ", "\u0000", "a\u0000b", "\u001b[31m", "'; DROP TABLE meetings; --", "\" OR 1=1 --",
      "<script>alert(1)</script>", "${jndi:ldap://x/a}", "%00", "../../etc/passwd", "\uD83D\uDE00",
      "\u202Eevil", "x".repeat(20_000), "null", "[]", "{}");
  private static final List<Object> WRONG_TYPES = List.of(
      42, -1, 0, Long.MAX_VALUE, 1.5e308, -0.0, true, false, new JsonArray(), new JsonObject(),
      new JsonArray().add(new JsonArray()), new JsonObject().put("$ne", 1));
  private static final List<String> TIMES = List.of(
      "2025-03-09T02:30:00-08:00", "2025-11-02T01:30:00-07:00", "2024-02-29T10:00:00Z", "2025-02-29T10:00:00Z",
      "2025-11-26T24:00:00Z", "2025-11-26T15:00:60Z", "2025-11-26T15:00:00+25:00", "0000-01-01T00:00:00Z",
      "99999-01-01T00:00:00Z", "2025-11-26T15:00:00.1234567891Z", "2025-11-26t15:00:00z", "");
  private static final List<String> BAD_IDS = List.of(
      "..%2F..%2Fadmin", "%2e%2e", "meet_%00", "%00", "x".repeat(3_000), "meet_%3Cscript%3E", "%ZZ",
      "meet_%E2%80%AE", "%C3%28", "meet_'--", "%20", "..");
  private static final List<String> EMAILS = List.of(
      "josé.niño@exämple.com", "用户@例子.广告", "a+b+c@example.co.uk", "\"quoted\"@example.com", "a@b",
      "@example.com", "a@", "a@@example.com", "a@example..com", "a b@example.com", "a\u0000@example.com",
      "x".repeat(300) + "@example.com");

  private TestApp app;
  private TestCalls acme;
  private String acmeKey;
  private String acmeAccountId;
  private String acmeMeeting;
  private String accountsMeeting;
  private TestCalls globex;
  private String globexMeeting;
  private JsonObject globexBefore;
  private int count;
  private final List<String> failures = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx).await();
    JsonObject acmeAccount = app.createAccount("Acme").await();
    acmeAccountId = acmeAccount.getString("id");
    acmeKey = acmeAccount.getString("api_key");
    acme = TestCalls.withKey(app, acmeKey);
    globex = TestCalls.withKey(app, app.createAccount("Globex").await().getString("api_key"));
    acmeMeeting = acme.post("/v1/schedule", schedule()).await().bodyAsJsonObject().getString("meeting_id");
    globexMeeting = globex.post("/v1/schedule", schedule()).await().bodyAsJsonObject().getString("meeting_id");
    accountsMeeting = acme.post("/v1/accounts/" + acmeAccountId + "/meetings", accountsMeeting()).await()
        .bodyAsJsonObject().getJsonObject("data").getString("id");
    globexBefore = globex.get("/v1/meetings/" + globexMeeting).await().bodyAsJsonObject();
  }

  private static JsonObject schedule() {
    return new JsonObject()
        .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
        .put("start_time", "2025-11-25T14:00:00-08:00")
        .put("duration_minutes", 30)
        .put("title", "Intro call")
        .put("description", "agenda")
        .put("location", "Room 1");
  }

  private static JsonObject update() {
    return new JsonObject()
        .put("start_time", "2025-11-26T15:00:00-08:00")
        .put("end_time", "2025-11-26T15:30:00-08:00")
        .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
        .put("reason", "Rescheduled due to conflict");
  }

  private static JsonObject person(String email) {
    return new JsonObject().put("email", email).put("firstName", "Chris").put("lastName", "Bloggs")
        .put("mobile", new JsonObject().put("country", "US").put("number", "123-456-7890")
            .put("verified", "2023-11-07T05:31:56Z").put("valid", true).put("lineType", "mobile"));
  }

  private static JsonObject accountsMeeting() {
    return new JsonObject()
        .put("name", "Quarterly review")
        .put("start", "2023-11-07T05:31:56Z")
        .put("end", "2023-11-07T06:31:56Z")
        .put("calendar", new JsonObject().putNull("connection"))
        .put("hosts", new JsonArray().add(person("chris@example.com")))
        .put("attendees", new JsonArray().add(person("dana@example.com")))
        .put("notes", "bring numbers")
        .put("conferencing", new JsonObject().put("provider", "zoom").put("joinUrl", "https://zoom.example/j/1"));
  }

  private record Target(HttpMethod method, String path, JsonObject body, boolean admin) {
  }

  private List<Target> jsonTargets() {
    return List.of(
        new Target(HttpMethod.POST, "/v1/accounts/" + acmeAccountId + "/meetings", accountsMeeting(), false),
        new Target(HttpMethod.PUT, "/v1/accounts/" + acmeAccountId + "/meetings/" + accountsMeeting,
            accountsMeeting().put("id", accountsMeeting), false),
        new Target(HttpMethod.POST, "/oauth2/token", new JsonObject().put("grant_type", "client_credentials")
            .put("client_id", "cli_x").put("client_secret", "cs_y"), true),
        new Target(HttpMethod.POST, "/v1/schedule", schedule(), false),
        new Target(HttpMethod.PUT, "/v1/meetings/" + acmeMeeting, update(), false),
        new Target(HttpMethod.PUT, "/v1/platform/settings", new JsonObject()
            .put("redirect_uris", new JsonArray().add("https://app.example.com/cb"))
            .put("webhook_url", "https://app.example.com/hook"), false),
        new Target(HttpMethod.POST, "/admin/v1/accounts", new JsonObject().put("name", "Initech"), true));
  }

  /** Sends one hostile request and checks the answer; failures are collected, not thrown, to see them all. */
  private void expectNoServerError(String label, HttpMethod method, String path, MultiMap headers, Buffer body,
                                   boolean admin) {
    count++;
    HttpRequest<Buffer> request = app.client.request(method, path);
    if (headers != null && headers.contains("Authorization")) {
      // the case brings its own credential
    } else if (admin) {
      request.bearerTokenAuthentication(TestApp.ADMIN_TOKEN);
    } else {
      request.bearerTokenAuthentication(acmeKey);
    }
    if (headers != null) {
      request.putHeaders(headers);
    }
    HttpResponse<Buffer> response;
    try {
      response = (body == null ? request.send() : request.sendBuffer(body)).await();
    } catch (Exception e) {
      failures.add(label + ": no answer (" + e + ")");
      return;
    }
    int status = response.statusCode();
    if (status >= 500) {
      failures.add(label + ": " + status + " " + response.bodyAsString());
    } else if (status >= 400 && !(path.startsWith("/oauth2/token") ? isOAuthErrorShape(response) : isErrorShape(response))) {
      failures.add(label + ": " + status + " not in the error shape: " + response.bodyAsString());
    } else if (status < 200 || (status >= 300 && status < 400)) {
      failures.add(label + ": unexpected " + status);
    }
  }

  /** The token endpoint alone answers in RFC 6749's shape (contracts.md §1). */
  private static boolean isOAuthErrorShape(HttpResponse<Buffer> response) {
    try {
      String error = response.bodyAsJsonObject().getString("error");
      return List.of("invalid_request", "invalid_client", "unsupported_grant_type").contains(error);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean isErrorShape(HttpResponse<Buffer> response) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      JsonObject error = body.getJsonObject("error");
      return Boolean.FALSE.equals(body.getBoolean("success")) && error != null
          && error.getString("code") != null && error.getString("message") != null
          && body.getString("request_id") != null
          && body.getString("request_id").equals(response.getHeader("X-Request-Id"));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Buffer json(Object value) {
    return Buffer.buffer(value instanceof JsonObject o ? o.encode() : String.valueOf(value));
  }

  private static MultiMap jsonType() {
    return MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
  }

  @Test
  void hostileRequestsNeverGetAServerError() {
    for (Target t : jsonTargets()) {
      String base = t.method() + " " + t.path();
      String valid = t.body().encode();
      for (int cut : new int[] {1, valid.length() / 4, valid.length() / 2, valid.length() - 1}) {
        expectNoServerError(base + " truncated@" + cut, t.method(), t.path(), jsonType(), Buffer.buffer(valid.substring(0, cut)), t.admin());
      }
      Buffer invalidUtf8 = Buffer.buffer(valid.substring(0, valid.length() / 2).getBytes(StandardCharsets.UTF_8))
          .appendBytes(new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF}).appendString(valid.substring(valid.length() / 2));
      expectNoServerError(base + " invalid UTF-8", t.method(), t.path(), jsonType(), invalidUtf8, t.admin());
      expectNoServerError(base + " deep nesting", t.method(), t.path(), jsonType(),
          Buffer.buffer("{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000)), t.admin());
      expectNoServerError(base + " huge array", t.method(), t.path(), jsonType(),
          Buffer.buffer("[" + "1,".repeat(40_000) + "1]"), t.admin());
      for (String notObject : List.of("[]", "\"text\"", "123", "null", "true", "")) {
        expectNoServerError(base + " body " + notObject, t.method(), t.path(), jsonType(), Buffer.buffer(notObject), t.admin());
      }
      expectNoServerError(base + " text/plain", t.method(), t.path(),
          MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain"), Buffer.buffer(valid), t.admin());
      expectNoServerError(base + " duplicate keys", t.method(), t.path(), jsonType(),
          Buffer.buffer(valid.replaceFirst("\\{", "{\"title\": 1, \"title\": [], ")), t.admin());
      for (String field : t.body().fieldNames()) {
        for (Object wrong : WRONG_TYPES) {
          expectNoServerError(base + " " + field + "=" + wrong, t.method(), t.path(), jsonType(),
              json(t.body().copy().put(field, wrong)), t.admin());
        }
        for (String hostile : HOSTILE_VALUES) {
          expectNoServerError(base + " " + field + "=" + abbreviate(hostile), t.method(), t.path(), jsonType(),
              json(t.body().copy().put(field, hostile)), t.admin());
          expectNoServerError(base + " " + field + "=[" + abbreviate(hostile) + "]", t.method(), t.path(), jsonType(),
              json(t.body().copy().put(field, new JsonArray().add(hostile))), t.admin());
        }
      }
      if (t.body().containsKey("hosts")) {
        for (String member : List.of("email", "firstName", "lastName", "mobile")) {
          for (Object wrong : WRONG_TYPES) {
            JsonObject body = t.body().copy();
            body.getJsonArray("hosts").getJsonObject(0).put(member, wrong);
            expectNoServerError(base + " hosts[0]." + member + "=" + wrong, t.method(), t.path(), jsonType(), json(body), false);
          }
          for (String hostile : HOSTILE_VALUES) {
            JsonObject body = t.body().copy();
            body.getJsonArray("attendees").getJsonObject(0).put(member, hostile);
            expectNoServerError(base + " attendees[0]." + member + "=" + abbreviate(hostile), t.method(), t.path(),
                jsonType(), json(body), false);
          }
        }
        for (String member : List.of("country", "number", "verified", "valid", "lineType")) {
          for (Object value : List.of("\u0000", "x".repeat(20_000), 42, new JsonObject(), "2023-02-30T00:00:00Z")) {
            JsonObject body = t.body().copy();
            body.getJsonArray("hosts").getJsonObject(0).getJsonObject("mobile").put(member, value);
            expectNoServerError(base + " mobile." + member + "=" + abbreviate(String.valueOf(value)), t.method(),
                t.path(), jsonType(), json(body), false);
          }
        }
        for (Object connection : List.of("conn", 42, new JsonObject().put("id", "\u0000"),
            new JsonObject().put("id", "x".repeat(5_000)), new JsonObject().put("id", new JsonArray()))) {
          JsonObject body = t.body().copy().put("calendar", new JsonObject().put("connection", connection));
          expectNoServerError(base + " calendar.connection=" + abbreviate(String.valueOf(connection)), t.method(),
              t.path(), jsonType(), json(body), false);
        }
      }
      expectNoServerError(base + " number out of range", t.method(), t.path(), jsonType(),
          Buffer.buffer(valid.replaceFirst("\\{", "{\"duration_minutes\": 1e999999, ")), t.admin());
    }
    for (String time : TIMES) {
      expectNoServerError("schedule start " + time, HttpMethod.POST, "/v1/schedule", jsonType(),
          json(schedule().put("start_time", time)), false);
      expectNoServerError("update end " + time, HttpMethod.PUT, "/v1/meetings/" + acmeMeeting, jsonType(),
          json(update().put("end_time", time)), false);
      expectNoServerError("list start_after " + time, HttpMethod.GET, "/v1/meetings?start_after=" + urlEncode(time),
          null, null, false);
    }
    for (String email : EMAILS) {
      expectNoServerError("email " + abbreviate(email), HttpMethod.POST, "/v1/schedule", jsonType(),
          json(schedule().put("attendees", new JsonArray().add(email))), false);
      expectNoServerError("filter " + abbreviate(email), HttpMethod.GET, "/v1/meetings?attendee=" + urlEncode(email),
          null, null, false);
    }
    for (String id : BAD_IDS) {
      for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE)) {
        expectNoServerError(method + " id " + abbreviate(id), method, "/v1/meetings/" + id,
            method == HttpMethod.PUT ? jsonType() : null, method == HttpMethod.PUT ? json(update()) : null, false);
      }
      expectNoServerError("admin key " + abbreviate(id), HttpMethod.POST, "/admin/v1/accounts/" + id + "/api-keys",
          null, null, true);
      expectNoServerError("admin revoke " + abbreviate(id), HttpMethod.DELETE,
          "/admin/v1/accounts/" + acmeAccountId + "/api-keys/" + id, null, null, true);
    }
    for (String query : List.of("limit=-1", "offset=-1", "offset=abc", "offset=99999999999999999999",
        "attendee=%00", "host=%00", "name=%00", "name=%25%25%25", "name=" + "n".repeat(5_000))) {
      expectNoServerError("accounts list ?" + abbreviate(query), HttpMethod.GET,
          "/v1/accounts/" + acmeAccountId + "/meetings?" + query, null, null, false);
    }
    for (String id : BAD_IDS) {
      expectNoServerError("accounts GET id " + abbreviate(id), HttpMethod.GET,
          "/v1/accounts/" + acmeAccountId + "/meetings/" + id, null, null, false);
      expectNoServerError("accounts cancel id " + abbreviate(id), HttpMethod.PUT,
          "/v1/accounts/" + acmeAccountId + "/meetings/" + id + "/cancel", null, null, false);
      expectNoServerError("accounts path account " + abbreviate(id), HttpMethod.GET,
          "/v1/accounts/" + id + "/meetings", null, null, false);
    }
    for (String form : List.of("grant_type=client_credentials&client_id=%00&client_secret=x", "grant_type=%ZZ",
        "client_id=a&client_id=b", "=&=&", "grant_type=" + "g".repeat(10_000))) {
      expectNoServerError("token form " + abbreviate(form), HttpMethod.POST, "/oauth2/token",
          MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/x-www-form-urlencoded"), Buffer.buffer(form), true);
    }
    for (String token : List.of("eyJ", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "%00", "x".repeat(6_000),
        "eyJhbGciOiJIUzI1NiJ9.%%%.sig")) {
      expectNoServerError("bearer " + abbreviate(token), HttpMethod.GET, "/v1/accounts/" + acmeAccountId + "/meetings",
          MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + token), null, true);
    }
    for (String query : List.of("limit=-1", "limit=0", "limit=abc", "limit=99999999999999999999", "limit=1.5",
        "cursor=%00", "cursor=" + "A".repeat(5_000), "status=%00", "status[]=x", "limit=10&limit=20",
        "updated_since=%00", "attendee=%00")) {
      expectNoServerError("list ?" + abbreviate(query), HttpMethod.GET, "/v1/meetings?" + query, null, null, false);
    }
    MultiMap twoKeys = MultiMap.caseInsensitiveMultiMap().add("X-API-Key", "sk_live_a").add("X-API-Key", "sk_live_b");
    expectNoServerError("duplicate X-API-Key", HttpMethod.GET, "/v1/meetings", twoKeys, null, false);
    MultiMap twoIdem = jsonType().add("Idempotency-Key", "a").add("Idempotency-Key", "b");
    expectNoServerError("duplicate Idempotency-Key", HttpMethod.POST, "/v1/schedule", twoIdem, json(schedule()), false);
    for (String idem : List.of("x".repeat(300), "caf\u00e9", "a b", "%00")) {
      expectNoServerError("Idempotency-Key " + abbreviate(idem), HttpMethod.POST, "/v1/schedule",
          jsonType().add("Idempotency-Key", idem), json(schedule()), false);
    }
    for (String ifMatch : List.of("\"" + "x".repeat(5_000) + "\"", "\"" + acmeMeeting + ".99999999999999\"", "W/", ",,,")) {
      expectNoServerError("If-Match " + abbreviate(ifMatch), HttpMethod.PUT, "/v1/meetings/" + acmeMeeting,
          jsonType().add("If-Match", ifMatch), json(update()), false);
    }
    expectNoServerError("oversized header", HttpMethod.GET, "/v1/meetings",
        MultiMap.caseInsensitiveMultiMap().add("X-Junk", "j".repeat(20_000)), null, false);
    expectNoServerError("overlong URL", HttpMethod.GET, "/v1/meetings?attendee=" + "a".repeat(10_000), null, null, false);

    assertTrue(count >= 300, "only " + count + " requests in the corpus");
    assertEquals(List.of(), failures, failures.size() + " of " + count + " requests failed");
    assertEquals(200, app.client.get("/health/ready").send().await().statusCode(), "the server stays healthy");
    assertEquals(globexBefore, globex.get("/v1/meetings/" + globexMeeting).await().bodyAsJsonObject(),
        "another tenant's data is untouched");
  }

  /** Percent-encodings no decoder may accept: each is a 400 that names the parameter, on every route that reads one. */
  private static final List<String> BROKEN_ENCODINGS = List.of(
      "%%%", "%", "%4", "%G1", "%zz", "a%2", "%C0%AF", "%E0%80%AF", "%F0%80%80%AF", "%ED%A0%80", "%ED%B0%80",
      "%C3%28", "%FF", "%80", "%00", "%7F", "a%0Ab");

  /** Every query parameter a route reads, on every route that reads the query string. */
  private Map<String, List<String>> queryReaders() {
    Map<String, List<String>> readers = new java.util.LinkedHashMap<>();
    readers.put("/v1/meetings", List.of("limit", "cursor", "attendee", "status", "start_after", "start_before",
        "updated_since"));
    readers.put("/v1/platform/webhook/logs", List.of("limit", "cursor", "event", "status"));
    readers.put("/v1/platform/oauth-url", List.of("user_email", "redirect_uri", "state"));
    readers.put("/oauth/google/callback", List.of("state", "error", "code"));
    readers.put("/v1/accounts/" + acmeAccountId + "/meetings", List.of("offset", "limit", "attendee", "host", "name"));
    readers.put("/v1/accounts/" + acmeAccountId + "/webhooks", List.of("offset", "limit"));
    return readers;
  }

  @Test
  void brokenEncodingsAreRefusedNamingTheParameter(Vertx vertx) {
    // The two 500s of the hostile run, exactly.
    TestCalls.assertError(acme.get("/v1/meetings?cursor=%%%").await(), 400, "invalid_query",
        "cursor in the query string has a broken %-escape (% must be followed by two hex digits)", "cursor");
    TestCalls.assertError(acme.get("/v1/accounts/" + acmeAccountId + "/meetings?offset=%%%").await(), 400,
        "invalid_query", "offset in the query string has a broken %-escape (% must be followed by two hex digits)",
        "offset");
    TestCalls.assertError(acme.get("/v1/meetings?attendee=%C0%AF").await(), 400, "invalid_query",
        "attendee in the query string is not valid UTF-8", "attendee");
    TestCalls.assertError(acme.get("/v1/meetings?limit=10&limit=20").await(), 400, "invalid_query",
        "limit must not be repeated", "limit");
    TestCalls.assertError(acme.get("/v1/meetings?=10").await(), 400, "invalid_query",
        "a parameter in the query string has no name", null);
    TestCalls.assertError(acme.get("/v1/meetings?li%ZZmit=1").await(), 400, "invalid_query",
        "a parameter name in the query string has a broken %-escape (% must be followed by two hex digits)", null);
    // A parameter without '=' is the empty value; '+' is a space, '%2B' a plus.
    TestCalls.assertError(acme.get("/v1/meetings?limit").await(), 400, "invalid_field",
        "limit must be a whole number from 1 to 200", "limit");
    assertEquals(200, acme.get("/v1/meetings?cursor").await().statusCode());
    TestCalls.assertError(acme.get("/v1/meetings?attendee=a+b@example.com").await(), 400, "invalid_email",
        "attendee is not a valid email address", "attendee");
    assertEquals(200, acme.get("/v1/meetings?attendee=a%2Bb@example.com").await().statusCode());
    assertEquals(200, acme.get("/v1/meetings?limit=5&&status=scheduled&").await().statusCode());
    JsonObject named = acme.get("/v1/accounts/" + acmeAccountId + "/meetings?name=quarterly+review").await()
        .bodyAsJsonObject();
    assertEquals(1, named.getJsonArray("data").size(), named.encode());

    for (Map.Entry<String, List<String>> reader : queryReaders().entrySet()) {
      for (String param : reader.getValue()) {
        for (String broken : BROKEN_ENCODINGS) {
          String label = "GET " + reader.getKey() + "?" + param + "=" + broken;
          expectRefused(label, acme.get(reader.getKey() + "?" + param + "=" + broken).await(), "invalid_query", param);
        }
        expectRefused("GET " + reader.getKey() + " repeated " + param,
            acme.get(reader.getKey() + "?" + param + "=1&" + param + "=2").await(), "invalid_query", param);
        for (String odd : List.of(param, param + "=", param + "=+", param + "=a+b", "=" + param, "&&" + param + "=x&&")) {
          count++;
          HttpResponse<Buffer> response = acme.get(reader.getKey() + "?" + odd).await();
          // Google Calendar is off in this fixture: the connect link is 501 whatever its (well-formed) query.
          boolean calendarOff = response.statusCode() == 501 && isErrorShape(response)
              && "calendar_sync_disabled".equals(response.bodyAsJsonObject().getJsonObject("error").getString("code"));
          if (!calendarOff && (response.statusCode() >= 500 || response.statusCode() >= 400 && !isErrorShape(response))) {
            failures.add("GET " + reader.getKey() + "?" + odd + ": " + response.statusCode() + " " + response.bodyAsString());
          }
        }
      }
    }

    // Path parameters: every route of the router with one, the parameter replaced by each broken encoding.
    for (Route route : routes(vertx)) {
      if (route.getPath() == null || !route.getPath().contains(":") || route.methods() == null) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        for (String broken : BROKEN_ENCODINGS) {
          String path = route.getPath().replaceAll(":[A-Za-z]+", "x" + broken);
          HttpRequest<Buffer> request = app.client.request(method, path)
              .bearerTokenAuthentication(path.startsWith("/admin") ? TestApp.ADMIN_TOKEN : acmeKey);
          HttpResponse<Buffer> response = request.send().await();
          count++;
          if (response.statusCode() != 400 || !isErrorShape(response)
              || !"invalid_path".equals(response.bodyAsJsonObject().getJsonObject("error").getString("code"))) {
            failures.add(method + " " + path + ": " + response.statusCode() + " " + response.bodyAsString());
          }
        }
      }
    }

    // The token endpoint's form body and HTTP Basic credentials.
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/x-www-form-urlencoded");
    for (String broken : BROKEN_ENCODINGS) {
      for (String param : List.of("grant_type", "client_id", "client_secret")) {
        String body = "grant_type=client_credentials&client_id=cli_x&client_secret=cs_y"
            .replace(param + "=" + (param.equals("grant_type") ? "client_credentials" : param.equals("client_id") ? "cli_x" : "cs_y"),
                param + "=" + broken);
        HttpResponse<Buffer> response = app.client.post("/oauth2/token").putHeaders(form).sendBuffer(Buffer.buffer(body)).await();
        count++;
        if (response.statusCode() != 400 || !isOAuthErrorShape(response)
            || !"invalid_request".equals(response.bodyAsJsonObject().getString("error"))) {
          failures.add("token form " + param + "=" + broken + ": " + response.statusCode() + " " + response.bodyAsString());
        }
      }
      String basic = java.util.Base64.getEncoder().encodeToString(("cli" + broken + ":cs_y").getBytes(StandardCharsets.ISO_8859_1));
      expectNoServerError("token Basic " + broken, HttpMethod.POST, "/oauth2/token",
          MultiMap.caseInsensitiveMultiMap().addAll(form).add("Authorization", "Basic " + basic),
          Buffer.buffer("grant_type=client_credentials"), true);
    }
    expectNoServerError("token form =&=", HttpMethod.POST, "/oauth2/token", form, Buffer.buffer("=&="), true);
    HttpResponse<Buffer> repeated = app.client.post("/oauth2/token").putHeaders(form)
        .sendBuffer(Buffer.buffer("grant_type=client_credentials&grant_type=client_credentials")).await();
    assertEquals(new JsonObject().put("error", "invalid_request").put("error_description", "grant_type must not be repeated"),
        repeated.bodyAsJsonObject());

    // JSON: a lone surrogate in any string field, and overlong or surrogate UTF-8 bytes in the body.
    for (Target t : jsonTargets()) {
      for (String field : t.body().fieldNames()) {
        if (!(t.body().getValue(field) instanceof String)) {
          continue;
        }
        String text = t.body().copy().put(field, "@LONE@").encode().replace("@LONE@", "\\ud800x");
        HttpResponse<Buffer> response = send(t, Buffer.buffer(text));
        count++;
        if (response.statusCode() < 400 || response.statusCode() >= 500) {
          failures.add(t.method() + " " + t.path() + " " + field + "=lone surrogate: " + response.statusCode()
              + " " + response.bodyAsString());
        }
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
          String[] halves = t.body().copy().put(field, "@BAD@").encode().split("@BAD@");
          Buffer body = Buffer.buffer(halves[0]).appendBytes(bad).appendString(halves[1]);
          expectNoServerError(t.method() + " " + t.path() + " " + field + "=bad UTF-8 bytes", t.method(), t.path(),
              jsonType(), body, t.admin());
        }
      }
    }
    TestCalls.assertError(acme.raw(HttpMethod.POST, "/v1/schedule", "application/json",
            Buffer.buffer(schedule().put("title", "@LONE@").encode().replace("@LONE@", "\\ud800"))).await(),
        400, "invalid_field", "title is not valid Unicode (a lone surrogate)", "title");

    // Headers: raw bytes that are not UTF-8, escapes and controls in every header a route reads.
    for (String header : List.of("Authorization", "X-API-Key", "Idempotency-Key", "If-Match", "Content-Type")) {
      for (String value : List.of("Bearer \u00C0\u00AF", "\u00ED\u00A0\u0080", "%%%", "%00", "\u00FF\u00FE", "a\u0001b")) {
        String raw = "PUT /v1/meetings/" + acmeMeeting + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + (header.equals("Authorization") || header.equals("X-API-Key") ? "" : "Authorization: Bearer " + acmeKey + "\r\n")
            + (header.equals("Content-Type") ? "" : "Content-Type: application/json\r\n")
            + header + ": " + value + "\r\nContent-Length: " + update().encode().length() + "\r\nConnection: close\r\n\r\n"
            + update().encode();
        count++;
        String answer = RawConnection.open(vertx, app.config.httpPort()).await().write(raw).closed().await();
        int status = Integer.parseInt(answer.substring(9, 12));
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        if (status >= 500 || status < 200 || status >= 300 && !body.contains("\"success\":false")) {
          failures.add("header " + header + ": " + abbreviate(value) + ": " + answer.lines().findFirst().orElse("") + " " + body);
        }
      }
    }

    assertTrue(count >= 1_000, "only " + count + " requests in the corpus");
    assertEquals(List.of(), failures, failures.size() + " of " + count + " requests failed");
    assertEquals(200, app.client.get("/health/ready").send().await().statusCode(), "the server stays healthy");
  }

  private void expectRefused(String label, HttpResponse<Buffer> response, String code, String field) {
    count++;
    if (response.statusCode() != 400 || !isErrorShape(response)) {
      failures.add(label + ": " + response.statusCode() + " " + response.bodyAsString());
      return;
    }
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    if (!code.equals(error.getString("code")) || !field.equals(error.getString("field"))) {
      failures.add(label + ": " + error.encode());
    }
  }

  private HttpResponse<Buffer> send(Target t, Buffer body) {
    return app.client.request(t.method(), t.path()).putHeaders(jsonType())
        .bearerTokenAuthentication(t.admin() ? TestApp.ADMIN_TOKEN : acmeKey).sendBuffer(body).await();
  }

  /** The routes the app serves, from one of its HTTP fronts. */
  private static List<Route> routes(Vertx vertx) {
    for (DeploymentContext deployment : ((VertxInternal) vertx).deploymentManager().deployments()) {
      for (Deployable instance : deployment.deployment().instances()) {
        if (instance instanceof HttpVerticle front) {
          return front.routes();
        }
      }
    }
    throw new AssertionError("no HTTP front deployed");
  }

  private static String abbreviate(String s) {
    String shown = s.replaceAll("\\p{Cntrl}", "?");
    return shown.length() > 40 ? shown.substring(0, 40) + "…(" + s.length() + ")" : shown;
  }

  private static String urlEncode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
