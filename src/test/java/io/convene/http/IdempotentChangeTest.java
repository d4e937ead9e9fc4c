package io.convene.http;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.secrets.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Base64;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change and the stored answer to its Idempotency-Key commit together or not at all, on every route
 * that changes something: a change can never be committed while its key still reads as unanswered
 * (which a retry would run again: a second meeting, a second endpoint, another key).
 */
@ExtendWith(VertxExtension.class)
class IdempotentChangeTest {
  private static final JsonObject SCHEDULE = new JsonObject("""
      {"attendees": ["alice@example.com", "bob@example.com"], "start_time": "2025-11-25T14:00:00-08:00",
       "duration_minutes": 30, "title": "Intro call"}""");
  private static final String HOOK_URL = "https://93.184.215.14/hooks";
  /** Makes storing the answer to a key 'boom...' fail, as a crash between change and record would leave it. */
  private static final String FAIL_RECORD_FUNCTION = "CREATE FUNCTION fail_record() RETURNS trigger LANGUAGE plpgsql"
      + " AS $$ BEGIN RAISE EXCEPTION 'record refused'; END $$";
  private static final String FAIL_RECORD = "CREATE TRIGGER fail_record BEFORE UPDATE ON idempotency_keys FOR EACH ROW"
      + " WHEN (NEW.key LIKE 'boom%' AND NEW.status_code IS NOT NULL) EXECUTE FUNCTION fail_record()";
  /** Everything of the tenant a keyed route can change. */
  private static final String STATE = "SELECT concat_ws(' | ',"
      + " (SELECT string_agg(id || ':' || version || ':' || start_at || ':' || (cancelled_at IS NULL), ',' ORDER BY id)"
      + "   FROM meetings WHERE account_id = $1),"
      + " (SELECT count(*) FROM events WHERE account_id = $1),"
      + " (SELECT count(*) FROM webhook_deliveries WHERE account_id = $1),"
      + " (SELECT string_agg(id || ':' || url || ':' || enabled || ':' || secret, ',' ORDER BY id)"
      + "   FROM webhook_endpoints WHERE account_id = $1),"
      + " (SELECT string_agg(id || ':' || (revoked_at IS NULL), ',' ORDER BY id) FROM api_keys WHERE account_id = $1),"
      + " (SELECT string_agg(id || ':' || (revoked_at IS NULL), ',' ORDER BY id) FROM calendar_connections"
      + "   WHERE account_id = $1),"
      + " (SELECT redirect_uris::text FROM platform_settings WHERE account_id = $1),"
      + " (SELECT string_agg(email_key || ':' || prefs::text, ',' ORDER BY email_key) FROM user_preferences"
      + "   WHERE account_id = $1))";

  private TestApp app;
  private Pool pool;
  private String accountId;
  private TestCalls calls;

  @BeforeEach
  void start(Vertx vertx) {
    // No delivery worker: a queued delivery stays as the route left it.
    app = TestApp.start(vertx, Map.of("CONVENE_WORKERS", "api")).await();
    JsonObject acme = app.createAccount("Acme").await();
    accountId = acme.getString("id");
    calls = TestCalls.withKey(app, acme.getString("api_key"));
    pool = app.database.pool(vertx);
    pool.query(FAIL_RECORD_FUNCTION).execute().await();
  }

  @Test
  void whenTheAnswerCannotBeStoredTheChangeDoesNotCommitEither() {
    pool.query(FAIL_RECORD).execute().await();
    TestCalls keyed = calls.header("Idempotency-Key", "boom");
    assertEquals(500, keyed.post("/v1/schedule", SCHEDULE).await().statusCode());
    assertEquals(0L, count("SELECT count(*) FROM meetings WHERE account_id = $1"), "no meeting committed");
    assertEquals(0L, count("SELECT count(*) FROM events WHERE account_id = $1"), "no event committed");
    assertEquals(0L, count("SELECT count(*) FROM idempotency_keys WHERE account_id = $1"),
        "the claim was released, so that a retry runs at once");

    pool.query("DROP TRIGGER fail_record ON idempotency_keys").execute().await();
    HttpResponse<Buffer> retried = keyed.post("/v1/schedule", SCHEDULE).await();
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    HttpResponse<Buffer> replayed = keyed.post("/v1/schedule", SCHEDULE).await();
    assertEquals("true", replayed.getHeader("Idempotent-Replayed"));
    assertEquals(retried.bodyAsString(), replayed.bodyAsString());
    assertEquals(1L, count("SELECT count(*) FROM meetings WHERE account_id = $1"), "exactly one meeting");
  }

  /** The stored answer is the one sent, byte for byte, with its ETag, on both surfaces' changes. */
  @Test
  void theAnswerCommittedWithTheChangeIsTheOneSent() {
    HttpResponse<Buffer> scheduled = calls.header("Idempotency-Key", "s-1").post("/v1/schedule", SCHEDULE).await();
    String meetingId = scheduled.bodyAsJsonObject().getString("meeting_id");
    assertStored("s-1", scheduled);
    HttpResponse<Buffer> moved = calls.header("Idempotency-Key", "u-1").put("/v1/meetings/" + meetingId, new JsonObject()
        .put("start_time", "2025-11-26T15:00:00-08:00").put("end_time", "2025-11-26T15:30:00-08:00")).await();
    assertEquals(200, moved.statusCode(), moved.bodyAsString());
    assertStored("u-1", moved);
    HttpResponse<Buffer> cancelled = calls.header("Idempotency-Key", "c-1")
        .put("/v1/accounts/" + accountId + "/meetings/" + meetingId + "/cancel", null).await();
    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    assertStored("c-1", cancelled);
    HttpResponse<Buffer> cancelledAgain = calls.header("Idempotency-Key", "c-2").delete("/v1/meetings/" + meetingId).await();
    assertEquals(404, cancelledAgain.statusCode());
    assertStored("c-2", cancelledAgain);
  }

  @Test
  void platformSettingsCommitWithTheirAnswer() {
    JsonObject settings = new JsonObject().put("redirect_uris", new JsonArray().add("https://app.example.com/cb"))
        .put("webhook_url", HOOK_URL);
    HttpResponse<Buffer> saved = atomically("boom-settings", 200, c -> c.put("/v1/platform/settings", settings));
    assertTrue(saved.bodyAsJsonObject().getString("webhook_secret").startsWith("whsec_"), saved.bodyAsString());
    assertStored("boom-settings", saved);
  }

  @Test
  void webhookEndpointChangesCommitWithTheirAnswerOnBothSurfaces() {
    HttpResponse<Buffer> created = atomically("boom-put-1", 200,
        c -> c.put("/v1/platform/webhook", new JsonObject().put("url", HOOK_URL)));
    assertStored("boom-put-1", created);
    HttpResponse<Buffer> rotated = atomically("boom-put-2", 200,
        c -> c.put("/v1/platform/webhook", new JsonObject().put("enabled", false).put("rotate_secret", true)));
    assertNotEquals(created.bodyAsJsonObject().getString("secret"), rotated.bodyAsJsonObject().getString("secret"));
    assertStored("boom-put-2", rotated);

    String webhooks = "/v1/accounts/" + accountId + "/webhooks";
    HttpResponse<Buffer> added = atomically("boom-post", 201,
        c -> c.post(webhooks, new JsonObject().put("url", HOOK_URL + "/2").put("eventTypes", new JsonArray().add("meeting.scheduled"))));
    assertStored("boom-post", added);
    String id = added.bodyAsJsonObject().getJsonObject("data").getString("id");
    assertEquals(new JsonObject().put("success", true).put("data", new JsonObject().put("id", id).put("type", "url")
            .put("eventTypes", new JsonArray().add("meeting.scheduled")).put("destination", HOOK_URL + "/2")),
        atomically("boom-delete", 200, c -> c.delete(webhooks + "/" + id)).bodyAsJsonObject());
  }

  @Test
  void aRegeneratedKeyCommitsWithItsAnswer() {
    HttpResponse<Buffer> rotated = atomically("boom-rotate", 200, c -> c.post("/v1/platform/regenerate-key", null),
        // The old key is gone once the rotation commits: the client asks again with the new one.
        first -> TestCalls.withKey(app, first.bodyAsJsonObject().getString("api_key")));
    assertStored("boom-rotate", rotated);
  }

  @Test
  void aTestEventAndARedeliveryCommitWithTheirAnswer() {
    assertEquals(200, calls.put("/v1/platform/webhook", new JsonObject().put("url", HOOK_URL)).await().statusCode());
    HttpResponse<Buffer> queued = atomically("boom-test", 202, c -> c.post("/v1/platform/webhook/test", null));
    assertStored("boom-test", queued);
    String deliveryId = queued.bodyAsJsonObject().getJsonObject("delivery").getString("id");
    // Disabling fails the pending delivery, enabling again lets it be redelivered.
    assertEquals(200, calls.put("/v1/platform/webhook", new JsonObject().put("enabled", false)).await().statusCode());
    assertEquals(200, calls.put("/v1/platform/webhook", new JsonObject().put("enabled", true)).await().statusCode());
    HttpResponse<Buffer> again = atomically("boom-redeliver", 202,
        c -> c.post("/v1/platform/webhook/deliveries/" + deliveryId + "/redeliver", null));
    assertStored("boom-redeliver", again);
  }

  @Test
  void aCalendarDisconnectCommitsWithItsAnswer() {
    app.importCalendar(accountId, "alice@example.com", "refresh-alice").await();
    HttpResponse<Buffer> gone = atomically("boom-disconnect", 200, c -> c.delete("/v1/calendars/alice@example.com"));
    assertEquals(new JsonObject().put("success", true).put("user_email", "alice@example.com").put("status", "disconnected"),
        gone.bodyAsJsonObject());
    assertStored("boom-disconnect", gone);
  }

  @Test
  void preferencesCommitWithTheirAnswerOnBothPaths() {
    assertStored("boom-prefs-1", atomically("boom-prefs-1", 200,
        c -> c.put("/v1/platform/users/u%40example.com/preferences", new JsonObject().put("timezone", "UTC"))));
    assertStored("boom-prefs-2", atomically("boom-prefs-2", 200,
        c -> c.put("/v1/user/preferences", new JsonObject().put("email", "u@example.com").put("buffer_minutes", 15))));
  }

  @Test
  void autoSchedulingAndReschedulingCommitWithTheirAnswer() {
    assertEquals(200, calls.put("/v1/platform/users/u%40example.com/preferences", new JsonObject().put("timezone", "UTC"))
        .await().statusCode());
    HttpResponse<Buffer> booked = atomically("boom-auto", 200, c -> c.post("/v1/schedule/auto", new JsonObject()
        .put("attendees", new JsonArray().add("u@example.com")).put("duration_minutes", 30).put("title", "Intro")
        .put("earliest_date", "2030-03-12").put("latest_date", "2030-03-12")));
    assertStored("boom-auto", booked);
    String id = booked.bodyAsJsonObject().getJsonObject("meeting").getString("meeting_id");
    HttpResponse<Buffer> moved = atomically("boom-reschedule", 200, c -> c.post("/v1/meetings/" + id + "/reschedule",
        new JsonObject().put("meeting_id", id).put("requested_by", "u@example.com").put("reason", "A conflict came up")));
    assertEquals(id, moved.bodyAsJsonObject().getString("new_meeting_id"));
    assertStored("boom-reschedule", moved);
  }

  private HttpResponse<Buffer> atomically(String key, int status, Function<TestCalls, Future<HttpResponse<Buffer>>> request) {
    return atomically(key, status, request, first -> calls);
  }

  /**
   * Sends {@code request} with {@code key} while its answer cannot be stored: a 500, nothing of the change
   * committed and the claim released. Then again: the change, answered {@code status}; and a replay (by the
   * caller {@code replayer} names) with the identical answer that changes nothing more.
   */
  private HttpResponse<Buffer> atomically(String key, int status, Function<TestCalls, Future<HttpResponse<Buffer>>> request,
                                          Function<HttpResponse<Buffer>, TestCalls> replayer) {
    String before = state();
    pool.query(FAIL_RECORD).execute().await();
    HttpResponse<Buffer> failed = request.apply(calls.header("Idempotency-Key", key)).await();
    assertEquals(500, failed.statusCode(), failed.bodyAsString());
    assertEquals(before, state(), "nothing of the change committed");
    assertEquals(0L, count("SELECT count(*) FROM idempotency_keys WHERE account_id = $1 AND key = '" + key + "'"),
        "the claim was released, so that a retry runs at once");

    pool.query("DROP TRIGGER fail_record ON idempotency_keys").execute().await();
    HttpResponse<Buffer> retried = request.apply(calls.header("Idempotency-Key", key)).await();
    assertEquals(status, retried.statusCode(), retried.bodyAsString());
    String after = state();
    assertNotEquals(before, after, "the retry made the change");
    HttpResponse<Buffer> replayed = request.apply(replayer.apply(retried).header("Idempotency-Key", key)).await();
    assertEquals(status, replayed.statusCode());
    assertEquals("true", replayed.getHeader("Idempotent-Replayed"));
    assertEquals(retried.bodyAsString(), replayed.bodyAsString());
    assertEquals(after, state(), "the replay changed nothing");
    return retried;
  }

  private String state() {
    return pool.preparedQuery(STATE).execute(Tuple.of(accountId)).await().iterator().next().getString(0);
  }

  private static final SecretBox SECRETS = new SecretBox(Base64.getDecoder().decode(TestApp.SECRETS_KEY));

  private void assertStored(String key, HttpResponse<Buffer> sent) {
    Row row = pool.preparedQuery("SELECT status_code, response_body, response_etag FROM idempotency_keys"
        + " WHERE account_id = $1 AND key = $2").execute(Tuple.of(accountId, key)).await().iterator().next();
    assertEquals(sent.statusCode(), row.getInteger("status_code"));
    String stored = row.getBuffer("response_body").toString();
    assertTrue(stored.startsWith("v1:"), "stored sealed: " + stored);
    assertEquals(sent.bodyAsString(), SECRETS.open(stored));
    if (sent.getHeader("ETag") == null) {
      assertNull(row.getString("response_etag"));
    } else {
      assertEquals(sent.getHeader("ETag"), row.getString("response_etag"));
    }
  }

  private long count(String sql) {
    return pool.preparedQuery(sql).execute(Tuple.of(accountId)).await().iterator().next().getLong(0);
  }
}
