package io.convene.webhook;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.outbox.Outbox;
import io.convene.TestDatabase;
import io.convene.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the V6 migration does to existing data, how long the log is kept, and how a claim finds its rows. */
@ExtendWith(VertxExtension.class)
class WebhookStorageTest {

  @Test
  void aWebhookUrlSetBeforeBecomesThePrimaryEndpointAndGetsItsSecretOnTheNextPut(Vertx vertx) throws SQLException {
    Database database = TestDatabase.fresh();
    Flyway.configure().dataSource(database.jdbcUrl(), database.connectOptions().getUser(),
        database.connectOptions().getPassword()).locations("classpath:db/migration").target("4").load().migrate();
    try (Connection conn = DriverManager.getConnection(database.jdbcUrl(), database.connectOptions().getUser(),
        database.connectOptions().getPassword()); Statement sql = conn.createStatement()) {
      sql.execute("INSERT INTO accounts (id, name) VALUES ('acct_before', 'Before')");
      sql.execute("INSERT INTO platform_settings (account_id, redirect_uris, webhook_url)"
          + " VALUES ('acct_before', '{}', 'https://hooks.example.com/before')");
    }
    TestApp app = TestApp.start(vertx, database, Map.of("CONVENE_WORKERS", "api")).await();
    HttpResponse<Buffer> issued = app.client.post("/admin/v1/accounts/acct_before/api-keys")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await();
    TestCalls before = TestCalls.withKey(app, issued.bodyAsJsonObject().getString("api_key"));

    assertEquals("https://hooks.example.com/before",
        before.get("/v1/platform/settings").await().bodyAsJsonObject().getString("webhook_url"));
    JsonObject primary = before.get("/v1/platform/webhook").await().bodyAsJsonObject();
    assertFalse(primary.getBoolean("enabled"), "no secret yet, so nothing is sent");
    assertEquals("no_secret", primary.getString("disabled_reason"));
    assertEquals(5, primary.getJsonArray("events").size());

    JsonObject put = before.put("/v1/platform/webhook", new JsonObject()).await().bodyAsJsonObject();
    assertTrue(put.getString("secret").startsWith("whsec_"));
    assertTrue(put.getBoolean("enabled"));
    assertNull(put.getValue("disabled_reason"));
  }

  @Test
  void finishedDeliveriesOlderThanTheRetentionLeaveTheLog(Vertx vertx) {
    TestApp app = TestApp.start(vertx, Map.of("CONVENE_WEBHOOKS_ALLOW_INSECURE", "true")).await();
    Receiver receiver = Receiver.ok(vertx);
    try {
      TestCalls calls = TestCalls.withKey(app, app.createAccount("Acme").await().getString("api_key"));
      assertEquals(200, calls.put("/v1/platform/webhook", new JsonObject().put("url", receiver.url())).await().statusCode());
      assertEquals(200, calls.post("/v1/schedule", WebhookDeliveryTest.SCHEDULE).await().statusCode());
      assertEquals(200, calls.post("/v1/schedule", WebhookDeliveryTest.SCHEDULE).await().statusCode());
      Eventually.until(vertx, () -> calls.get("/v1/platform/webhook/logs?status=success").map(r ->
          r.bodyAsJsonObject().getJsonArray("deliveries")), d -> d.size() == 2);
      Pool pool = app.database.pool(vertx);
      // A first attempt that succeeded has no row of its own: give each delivery a logged attempt.
      pool.query("INSERT INTO webhook_attempts (delivery_id, attempted_at, url, response_code, duration_ms)"
          + " SELECT id, now(), url, 500, 1 FROM webhook_deliveries").execute().await();
      pool.query("UPDATE webhook_deliveries SET updated_at = now() - interval '31 days'"
          + " WHERE seq = (SELECT min(seq) FROM webhook_deliveries)").execute().await();

      assertEquals(1, new WebhookDeliveryLog(pool).expire(30).await());
      JsonArray left = calls.get("/v1/platform/webhook/logs").await().bodyAsJsonObject().getJsonArray("deliveries");
      assertEquals(1, left.size());
      assertEquals(1L, pool.query("SELECT count(*) FROM webhook_attempts").execute().await().iterator().next().getLong(0),
          "the attempts go with their delivery");
    } finally {
      receiver.close();
    }
  }

  /**
   * A burst after a quiet spell: PostgreSQL's statistics say no delivery is pending, then thousands
   * are. The claim must still reach its rows by index, not walk every pending delivery (it once did:
   * 589 ms a claim with 30,000 waiting). Judged by the rows the plan touched, not by time.
   */
  @Test
  void aClaimAfterABurstTouchesOnlyTheRowsItLeases(Vertx vertx) {
    Pool pool = endpointWithOneDelivery(vertx);
    pool.query("UPDATE webhook_deliveries SET status = 'success', next_attempt_at = NULL").execute().await();
    pool.query("ANALYZE").execute().await();
    burstOf5000(pool);

    JsonArray plan = explainClaim(pool, "ANALYZE", Tuple.of(128, 64, new String[0], new Integer[0], "lease_test")
        .addValue(new OffsetDateTime[0]).addValue(new Long[0]));

    JsonObject root = plan.getJsonObject(0).getJsonObject("Plan");
    assertEquals(64, count(root, "Actual Rows"), "the claim leases the endpoint's bound");
    long touched = rowsTouched(root);
    assertTrue(touched < 1_000, "the claim touched " + touched + " rows for 64 leases: " + plan.encode());
  }

  /**
   * The index entries of finished deliveries stay in front of the due ones until a vacuum, and while
   * an old snapshot is open (a long report, a backup, an ANALYZE) they cannot even be marked dead: a
   * claim that scans from the start of the queue visits the row of each one. A claim past its floor
   * (what the worker claimed last) reads none of them. Judged by the buffers the index scan read.
   */
  @Test
  void aClaimPastItsFloorSkipsTheFinishedDeliveriesInFront(Vertx vertx) {
    Pool pool = endpointWithOneDelivery(vertx);
    burstOf5000(pool);
    SqlConnection old = pool.getConnection().await();
    try {
      old.query("BEGIN ISOLATION LEVEL REPEATABLE READ").execute()
          .compose(v -> old.query("SELECT count(*) FROM webhook_deliveries").execute()).await();
      Row floor = pool.query("SELECT endpoint_id, next_attempt_at, seq FROM webhook_deliveries WHERE status = 'pending'"
          + " ORDER BY next_attempt_at, seq OFFSET 4899 LIMIT 1").execute().await().iterator().next();
      pool.preparedQuery("UPDATE webhook_deliveries SET status = 'success', next_attempt_at = NULL"
          + " WHERE status = 'pending' AND (next_attempt_at, seq) <= ($1, $2)")
          .execute(Tuple.of(floor.getOffsetDateTime("next_attempt_at"), floor.getLong("seq"))).await();

      String[] endpoint = {floor.getString("endpoint_id")};
      long fromStart = indexBlocksOfClaim(pool, Tuple.of(128, 4, endpoint, new Integer[] {0}, "lease_test")
          .addValue(new OffsetDateTime[] {null}).addValue(new Long[] {null}));
      long pastFloor = indexBlocksOfClaim(pool, Tuple.of(128, 4, endpoint, new Integer[] {0}, "lease_test")
          .addValue(new OffsetDateTime[] {floor.getOffsetDateTime("next_attempt_at")})
          .addValue(new Long[] {floor.getLong("seq")}));
      assertTrue(fromStart > 100, "from the start of the queue, a claim of 4 read " + fromStart + " blocks");
      assertTrue(pastFloor < 20, "past its floor, a claim of 4 read " + pastFloor + " blocks");
    } finally {
      old.close();
    }
  }

  /** A tenant, its endpoint (never reached: no worker runs) and one meeting with its delivery. */
  private static Pool endpointWithOneDelivery(Vertx vertx) {
    TestApp app = TestApp.start(vertx, Map.of("CONVENE_WORKERS", "api", "CONVENE_WEBHOOKS_ALLOW_INSECURE", "true")).await();
    TestCalls calls = TestCalls.withKey(app, app.createAccount("Acme").await().getString("api_key"));
    assertEquals(200, calls.put("/v1/platform/webhook", new JsonObject().put("url", "http://127.0.0.1:9/hook"))
        .await().statusCode());
    assertEquals(200, calls.post("/v1/schedule", WebhookDeliveryTest.SCHEDULE).await().statusCode());
    return app.database.pool(vertx);
  }

  /** 5,000 copies of the first event, queued in one statement as a change queues them. */
  private static void burstOf5000(Pool pool) {
    pool.query("WITH appended AS (INSERT INTO events (id, account_id, meeting_id, type, sequence, data, created_at)"
        + " SELECT 'evt_burst' || g, e.account_id, e.meeting_id, e.type, 100 + g, e.data, now()"
        + " FROM (SELECT * FROM events LIMIT 1) e, generate_series(1, 5000) g RETURNING id, account_id, type, seq),"
        + Outbox.FAN_OUT + " SELECT count(*) FROM delivered").execute().await();
  }

  /** The plan of a claim run with these options, in a transaction rolled back. */
  private static JsonArray explainClaim(Pool pool, String options, Tuple args) {
    return pool.withTransaction(conn -> conn.preparedQuery("EXPLAIN (" + options + ", FORMAT JSON) "
            + WebhookDeliveryQueue.CLAIM)
        .execute(args)
        .map(rows -> (JsonArray) rows.iterator().next().getValue(0))
        .compose(json -> conn.query("ROLLBACK").execute().map(json)))
        .await();
  }

  /** Buffers the claim's index scan read. */
  private static long indexBlocksOfClaim(Pool pool, Tuple args) {
    JsonArray plan = explainClaim(pool, "ANALYZE, BUFFERS", args);
    return indexBlocks(plan.getJsonObject(0).getJsonObject("Plan"), "webhook_deliveries_endpoint_due");
  }

  private static long indexBlocks(JsonObject node, String index) {
    long blocks = index.equals(node.getString("Index Name")) ? count(node, "Shared Hit Blocks") + count(node, "Shared Read Blocks") : 0;
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      for (int i = 0; i < children.size(); i++) {
        blocks += indexBlocks(children.getJsonObject(i), index);
      }
    }
    return blocks;
  }

  private static long count(JsonObject node, String key) {
    Number value = node.getNumber(key);
    return value == null ? 0 : Math.round(value.doubleValue());
  }

  /** Every row any node of the plan produced or threw away, over all its loops. */
  private static long rowsTouched(JsonObject node) {
    long rows = (count(node, "Actual Rows") + count(node, "Rows Removed by Filter")
        + count(node, "Rows Removed by Join Filter")) * Math.max(1, count(node, "Actual Loops"));
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      for (int i = 0; i < children.size(); i++) {
        rows += rowsTouched(children.getJsonObject(i));
      }
    }
    return rows;
  }
}
