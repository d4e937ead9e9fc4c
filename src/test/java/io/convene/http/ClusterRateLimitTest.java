package io.convene.http;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.TestDatabase;
import io.convene.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rate_limit_scope = cluster}: one limit across the nodes on one database, within the stated tolerance. */
@ExtendWith(VertxExtension.class)
class ClusterRateLimitTest {
  private Vertx other;

  @AfterEach
  void stop() {
    if (other != null) {
      other.close().await();
    }
  }

  private static Pool migrated(Vertx vertx, Database database) {
    vertx.executeBlocking(database::migrate).await();
    return database.pool(vertx);
  }

  private static int takeAll(TokenBuckets buckets, String key, int attempts) {
    int admitted = 0;
    for (int i = 0; i < attempts; i++) {
      if (buckets.take(key).allowed()) {
        admitted++;
      }
    }
    return admitted;
  }

  private static double shared(Pool pool, String kind, String key) {
    return pool.preparedQuery("SELECT tokens FROM rate_limit_buckets WHERE kind = $1 AND key = $2")
        .execute(Tuple.of(kind, key)).await().iterator().next().getDouble(0);
  }

  /** One node's buckets of one limit (60 a minute) and their reconciliation. */
  private record Node(TokenBuckets buckets, ClusterBuckets cluster) {
    static Node on(Pool pool, String kind) {
      TokenBuckets buckets = new TokenBuckets(60, true);
      return new Node(buckets, new ClusterBuckets(pool, kind, buckets));
    }

    void reconcile() {
      cluster.reconcile().await();
    }
  }

  @Test
  void whatOneNodeSpentIsGoneOnTheOtherAfterReconciling(Vertx vertx) {
    Pool pool = migrated(vertx, TestDatabase.fresh());
    Node nodeA = Node.on(pool, "rate");
    Node nodeB = Node.on(pool, "rate");
    TokenBuckets a = nodeA.buckets();
    TokenBuckets b = nodeB.buckets();

    assertEquals(60, takeAll(a, "cred_1", 61), "node a spends the whole burst, then refuses");
    nodeA.reconcile();
    nodeB.reconcile();

    TokenBuckets.Level onB = b.take("cred_1");
    assertFalse(onB.allowed(), "node b learnt of it without a request of its own");
    assertEquals(0, onB.remaining());
    assertTrue(onB.retryAfterSeconds() >= 1 && onB.retryAfterSeconds() <= 2, "about one token a second: " + onB);
    assertTrue(b.take("cred_2").allowed(), "another key is untouched");
  }

  @Test
  void aBurstOnBothNodesBeforeTheyReconcileIsOwedBack(Vertx vertx) {
    Pool pool = migrated(vertx, TestDatabase.fresh());
    Node nodeA = Node.on(pool, "auth");
    Node nodeB = Node.on(pool, "auth");
    TokenBuckets a = nodeA.buckets();
    TokenBuckets b = nodeB.buckets();

    // The stated tolerance: within one reconciliation, each of N nodes may spend the same tokens.
    assertEquals(60, takeAll(a, "203.0.113.7", 60));
    assertEquals(60, takeAll(b, "203.0.113.7", 60));
    nodeA.reconcile();
    nodeB.reconcile();
    nodeA.reconcile();

    double owed = shared(pool, "auth", "203.0.113.7");
    assertTrue(owed <= -55 && owed > -60, "the cluster owes one burst: " + owed);
    for (TokenBuckets node : new TokenBuckets[] {a, b}) {
      TokenBuckets.Level level = node.take("203.0.113.7");
      assertFalse(level.allowed());
      assertTrue(level.retryAfterSeconds() >= 55, "repaid before the next token: " + level);
    }
  }

  @Test
  void aFailedReconciliationKeepsItsCountsForTheNextOne(Vertx vertx) {
    Database database = TestDatabase.fresh();
    Pool pool = migrated(vertx, database);
    TokenBuckets a = new TokenBuckets(60, true);
    Pool unreachable = new Database(new PgConnectOptions(database.connectOptions()).setDatabase("no_such_database"), 1)
        .pool(vertx);
    assertEquals(10, takeAll(a, "cred_1", 10));
    new ClusterBuckets(unreachable, "rate", a).reconcile().await();
    new ClusterBuckets(pool, "rate", a).reconcile().await();
    double left = shared(pool, "rate", "cred_1");
    assertTrue(left >= 50 && left < 51, "the 10 spent before the failure are reported: " + left);
  }

  /**
   * Two apps on one database: once node a has spent a credential's limit, node b refuses it within one
   * reconciliation, having admitted far fewer than a whole limit of its own (node scope would admit 100).
   */
  @Test
  void twoInstancesShareOneCredentialsLimit(Vertx vertx) {
    Database database = TestDatabase.fresh();
    Map<String, String> env = Map.of("CONVENE_RATE_LIMIT_SCOPE", "cluster", "CONVENE_RATE_LIMIT_PER_MINUTE", "100");
    TestApp a = TestApp.start(vertx, database, env).await();
    other = Vertx.vertx();
    TestApp b = TestApp.start(other, database, env).await();
    String key = a.createAccount("Acme").await().getString("api_key");
    TestCalls viaA = TestCalls.withKey(a, key);
    TestCalls viaB = TestCalls.withKey(b, key);
    long started = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      assertEquals(200, viaA.get("/v1/meetings").await().statusCode(), "request " + i);
    }
    // The bucket refills continuously (100 a minute): on a slow machine, what refilled while the 100 ran is
    // admitted too, and nothing more.
    int refilled = 0;
    int status;
    while ((status = viaA.get("/v1/meetings").await().statusCode()) == 200) {
      refilled++;
    }
    assertEquals(429, status);
    double seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(refilled <= seconds * 100 / 60 + 1, refilled + " admitted beyond the limit in " + seconds + " s");

    AtomicInteger admittedByB = new AtomicInteger();
    HttpResponse<Buffer> refused = Eventually.until(vertx, () -> viaB.get("/v1/meetings").map(r -> {
      if (r.statusCode() == 200) {
        admittedByB.incrementAndGet();
      }
      return r;
    }), r -> r.statusCode() == 429);
    assertTrue(admittedByB.get() < 50, "node b admitted " + admittedByB + " before it learnt of node a's");
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertEquals("rate_limited", error.getString("code"));
    assertTrue(error.getString("message").startsWith("rate limit of 100 requests per minute exceeded; retry after "),
        error.getString("message"));
    assertEquals("100", refused.getHeader("X-RateLimit-Limit"));
    assertEquals("0", refused.getHeader("X-RateLimit-Remaining"));
  }

}
