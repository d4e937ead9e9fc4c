package io.convene.http;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.secrets.SecretBox;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A meeting change and the stored answer to its Idempotency-Key commit together or not at all: a
 * change can never be committed while its key still reads as unanswered (which a retry would run
 * again, making a second meeting).
 */
@ExtendWith(VertxExtension.class)
class IdempotentChangeTest {
  private static final JsonObject SCHEDULE = new JsonObject("""
      {"attendees": ["alice@example.com", "bob@example.com"], "start_time": "2025-11-25T14:00:00-08:00",
       "duration_minutes": 30, "title": "Intro call"}""");
  /** Makes storing the answer to key 'boom' fail, as a crash between change and record would leave it. */
  private static final String FAIL_RECORD = "CREATE FUNCTION fail_record() RETURNS trigger LANGUAGE plpgsql AS $$"
      + " BEGIN RAISE EXCEPTION 'record refused'; END $$;"
      + " CREATE TRIGGER fail_record BEFORE UPDATE ON idempotency_keys FOR EACH ROW"
      + " WHEN (NEW.key = 'boom' AND NEW.status_code IS NOT NULL) EXECUTE FUNCTION fail_record()";

  @Test
  void whenTheAnswerCannotBeStoredTheChangeDoesNotCommitEither(Vertx vertx) {
    TestApp app = TestApp.start(vertx).await();
    JsonObject acme = app.createAccount("Acme").await();
    String accountId = acme.getString("id");
    TestCalls calls = TestCalls.withKey(app, acme.getString("api_key"));
    Pool pool = app.database.pool(vertx);
    pool.query(FAIL_RECORD).execute().await();

    TestCalls keyed = calls.header("Idempotency-Key", "boom");
    assertEquals(500, keyed.post("/v1/schedule", SCHEDULE).await().statusCode());
    assertEquals(0L, count(pool, "SELECT count(*) FROM meetings WHERE account_id = $1", accountId), "no meeting committed");
    assertEquals(0L, count(pool, "SELECT count(*) FROM events WHERE account_id = $1", accountId), "no event committed");
    assertEquals(0L, count(pool, "SELECT count(*) FROM idempotency_keys WHERE account_id = $1", accountId),
        "the claim was released, so that a retry runs at once");

    pool.query("DROP TRIGGER fail_record ON idempotency_keys").execute().await();
    HttpResponse<Buffer> retried = keyed.post("/v1/schedule", SCHEDULE).await();
    assertEquals(200, retried.statusCode(), retried.bodyAsString());
    HttpResponse<Buffer> replayed = keyed.post("/v1/schedule", SCHEDULE).await();
    assertEquals("true", replayed.getHeader("Idempotent-Replayed"));
    assertEquals(retried.bodyAsString(), replayed.bodyAsString());
    assertEquals(1L, count(pool, "SELECT count(*) FROM meetings WHERE account_id = $1", accountId), "exactly one meeting");
  }

  /** The stored answer is the one sent, byte for byte, with its ETag, on both surfaces' changes. */
  @Test
  void theAnswerCommittedWithTheChangeIsTheOneSent(Vertx vertx) {
    TestApp app = TestApp.start(vertx).await();
    JsonObject acme = app.createAccount("Acme").await();
    String accountId = acme.getString("id");
    TestCalls calls = TestCalls.withKey(app, acme.getString("api_key"));
    Pool pool = app.database.pool(vertx);

    HttpResponse<Buffer> scheduled = calls.header("Idempotency-Key", "s-1").post("/v1/schedule", SCHEDULE).await();
    String meetingId = scheduled.bodyAsJsonObject().getString("meeting_id");
    assertStored(pool, accountId, "s-1", scheduled);
    HttpResponse<Buffer> moved = calls.header("Idempotency-Key", "u-1").put("/v1/meetings/" + meetingId, new JsonObject()
        .put("start_time", "2025-11-26T15:00:00-08:00").put("end_time", "2025-11-26T15:30:00-08:00")).await();
    assertEquals(200, moved.statusCode(), moved.bodyAsString());
    assertStored(pool, accountId, "u-1", moved);
    HttpResponse<Buffer> cancelled = calls.header("Idempotency-Key", "c-1")
        .put("/v1/accounts/" + accountId + "/meetings/" + meetingId + "/cancel", null).await();
    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    assertStored(pool, accountId, "c-1", cancelled);
    HttpResponse<Buffer> cancelledAgain = calls.header("Idempotency-Key", "c-2").delete("/v1/meetings/" + meetingId).await();
    assertEquals(404, cancelledAgain.statusCode());
    assertStored(pool, accountId, "c-2", cancelledAgain);
  }

  private static final SecretBox SECRETS = new SecretBox(Base64.getDecoder().decode(TestApp.SECRETS_KEY));

  private static void assertStored(Pool pool, String accountId, String key, HttpResponse<Buffer> sent) {
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

  private static long count(Pool pool, String sql, String accountId) {
    return pool.preparedQuery(sql).execute(Tuple.of(accountId)).await().iterator().next().getLong(0);
  }
}
