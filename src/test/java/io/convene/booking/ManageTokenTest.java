package io.convene.booking;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.auth.AccessTokenTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.convene.TestCalls.assertError;
import static io.convene.booking.BookingFixture.booker;
import static io.convene.booking.BookingFixture.booking;
import static io.convene.booking.BookingFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Manage tokens (contracts-scheduling.md §B6): signed, booker-bound, expiring, and no other kind of token. */
@ExtendWith(VertxExtension.class)
class ManageTokenTest {
  static final String BOOKING_TOKEN_SECRET = "test-booking-token-secret-of-32-chars!";
  private static final String REFUSED = "the manage token is missing, expired or not valid for this meeting";
  private TestApp app;
  private JsonObject account;
  private TestCalls acme;
  private TestCalls visitor;
  private String meetingId;
  private String token;
  private String otherToken;

  @BeforeEach
  void start(Vertx vertx) {
    app = TestApp.start(vertx, env(BOOKING_TOKEN_SECRET)).await();
    account = app.createAccount("Acme").await();
    acme = TestCalls.withKey(app, account.getString("api_key"));
    visitor = BookingFixture.anonymous(app);
    ok(acme.post("/v1/accounts/" + account.getString("id") + "/meetingevents", BookingFixture.intro()).await(), 201);
    JsonObject booked = book("2030-03-11T10:00:00+01:00", "pat@example.org");
    meetingId = booked.getString("id");
    token = BookingFixture.token(booked.getString("cancelLink"));
    otherToken = BookingFixture.token(book("2030-03-11T11:00:00+01:00", "sam@example.org").getString("cancelLink"));
  }

  private static Map<String, String> env(String secret) {
    return Map.of("CONVENE_BOOKING_HORIZON_DAYS", BookingFixture.HORIZON_DAYS, "CONVENE_PUBLIC_RATE_LIMIT_PER_MINUTE", "0",
        "CONVENE_WORKERS", "api", "CONVENE_BOOKING_TOKEN_SECRET", secret);
  }

  private JsonObject book(String start, String email) {
    return ok(visitor.post("/public/v1/meetingevents/intro-call/book", booking(start, 30, booker(email))).await(), 200)
        .getJsonObject("data");
  }

  private HttpResponse<Buffer> read(String manageToken) {
    return visitor.get("/public/v1/meetings/" + meetingId + "?token=" + manageToken).await();
  }

  private static JsonObject part(String jwt, int index) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8));
  }

  @Test
  void theTokenIsAnHs256JwtForTheBookerUntilAWeekAfterTheEnd() {
    JsonObject header = part(token, 0);
    assertEquals("HS256", header.getString("alg"));
    assertEquals("JWT", header.getString("typ"));
    assertTrue(header.getString("kid").startsWith("m_"), header.encode());
    JsonObject claims = part(token, 1);
    String booker = ok(read(token), 200).getJsonObject("data").getJsonArray("attendees").getJsonObject(0).getString("id");
    assertEquals(new JsonObject().put("aud", "convene:manage").put("sub", meetingId).put("acc", account.getString("id"))
        .put("per", booker).put("exp", java.time.Instant.parse("2030-03-18T09:30:00Z").getEpochSecond())
        .put("iat", claims.getLong("iat")), claims);
  }

  @Test
  void everyForgeryIsRefused() {
    byte[] key = BOOKING_TOKEN_SECRET.getBytes(StandardCharsets.UTF_8);
    JsonObject header = part(token, 0);
    JsonObject claims = part(token, 1);
    long now = System.currentTimeMillis() / 1000;
    Map<String, String> forged = new LinkedHashMap<>();
    forged.put("expired", AccessTokenTest.jwt(header, claims.copy().put("exp", now - 1), key));
    forged.put("signature tampered", token.substring(0, token.length() - 3) + (token.endsWith("AAA") ? "BBB" : "AAA"));
    forged.put("payload tampered (another meeting, old signature)", token.split("\\.")[0] + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.copy().put("sub", "meet_other").encode()
            .getBytes(StandardCharsets.UTF_8)) + "." + token.split("\\.")[2]);
    forged.put("alg none, no signature", AccessTokenTest.jwt(new JsonObject().put("alg", "none").put("typ", "JWT"), claims, null));
    forged.put("alg none, real signature", AccessTokenTest.jwt(new JsonObject().put("alg", "none").put("typ", "JWT"), claims,
        null) + token.split("\\.")[2]);
    forged.put("HS512 with the right key", AccessTokenTest.jwt(header.copy().put("alg", "HS512"), claims, key));
    forged.put("another key", AccessTokenTest.jwt(header, claims, "another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8)));
    forged.put("another audience", AccessTokenTest.jwt(header, claims.copy().put("aud", "convene:other"), key));
    forged.put("no audience", AccessTokenTest.jwt(header, claims.copy().put("aud", (String) null), key));
    forged.put("unknown kid", AccessTokenTest.jwt(header.copy().put("kid", "m_unknown"), claims, key));
    forged.put("no exp", AccessTokenTest.jwt(header, claims.copy().put("exp", (Long) null), key));
    forged.put("another meeting's token", otherToken);
    forged.put("an access token", app.accessToken(account).await());
    forged.put("not a JWT", "hello");
    for (Map.Entry<String, String> f : forged.entrySet()) {
      HttpResponse<Buffer> response = read(f.getValue());
      try {
        assertError(response, 401, "invalid_token", REFUSED, null);
      } catch (AssertionError e) {
        throw new AssertionError(f.getKey() + ": " + e.getMessage().replace(f.getValue(), "<token>"));
      }
    }
    assertEquals(200, read(AccessTokenTest.jwt(header, claims, key)).statusCode(), "the same token made by hand passes");
  }

  @Test
  void aManageTokenIsNoTenantCredential() {
    HttpResponse<Buffer> asAccess = TestCalls.withKey(app, token).get("/v1/meetings/" + meetingId).await();
    assertError(asAccess, 401, "invalid_token", "the access token is not valid", null);
    HttpResponse<Buffer> own = TestCalls.withKey(app, app.accessToken(account).await()).get("/v1/meetings/" + meetingId).await();
    assertEquals(200, own.statusCode(), "while an access token is one");
  }

  /** Bad manage tokens count as failed authentications of their address (§B3). */
  @Test
  void badTokensCountInTheFailedAuthenticationLimit() {
    Vertx other = Vertx.vertx();
    try {
      Map<String, String> env = new java.util.HashMap<>(env(BOOKING_TOKEN_SECRET));
      env.put("CONVENE_AUTH_FAILURES_PER_MINUTE", "2");
      TestApp limited = TestApp.start(other, app.database, env).await();
      TestCalls guesser = BookingFixture.anonymous(limited);
      String path = "/public/v1/meetings/" + meetingId + "?token=";
      assertError(guesser.get(path + "guess-1").await(), 401, "invalid_token", REFUSED, null);
      assertError(guesser.get(path + "guess-2").await(), 401, "invalid_token", REFUSED, null);
      HttpResponse<Buffer> blocked = guesser.get(path + token).await();
      assertEquals(429, blocked.statusCode(), "even the right token, once the address is blocked");
      assertEquals("too_many_failed_attempts", blocked.bodyAsJsonObject().getJsonObject("error").getString("code"));
    } finally {
      other.close().await();
    }
  }

  @Test
  void anotherKeyEndsEveryToken(Vertx vertx) {
    assertEquals(200, read(token).statusCode());
    Vertx other = Vertx.vertx();
    try {
      TestApp rotated = TestApp.start(other, app.database, env("a-new-booking-token-secret-of-32-chars")).await();
      assertError(BookingFixture.anonymous(rotated).get("/public/v1/meetings/" + meetingId + "?token=" + token).await(), 401,
          "invalid_token", REFUSED, null);
    } finally {
      other.close().await();
    }
  }
}
