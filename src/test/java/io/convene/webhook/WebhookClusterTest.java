package io.convene.webhook;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.TestDatabase;
import io.convene.db.Database;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several Convene instances on one database: each event delivered once, none lost when an instance dies. */
@ExtendWith(VertxExtension.class)
class WebhookClusterTest {
  private final List<Vertx> others = new ArrayList<>();
  private final List<Receiver> receivers = new ArrayList<>();

  @AfterEach
  void stop() {
    receivers.forEach(Receiver::close);
    others.forEach(v -> v.close().await());
  }

  /** An instance in its own Vert.x (event-bus addresses are per process), as a separate node would be. */
  private TestApp instance(Database database, String workers) {
    Vertx vertx = Vertx.vertx();
    others.add(vertx);
    return instanceOn(vertx, database, workers);
  }

  private static TestApp instanceOn(Vertx vertx, Database database, String workers) {
    Map<String, String> env = new HashMap<>(WebhookDeliveryTest.FAST);
    env.put("CONVENE_WORKERS", workers);
    return TestApp.start(vertx, database, env).await();
  }

  private static TestCalls account(TestApp app) {
    return TestCalls.withKey(app, app.createAccount("Acme").await().getString("api_key"));
  }

  private static void schedule(TestCalls calls) {
    HttpResponse<Buffer> response = calls.post("/v1/schedule", WebhookDeliveryTest.SCHEDULE).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
  }

  private static JsonObject configure(TestCalls calls, JsonObject body) {
    HttpResponse<Buffer> response = calls.put("/v1/platform/webhook", body).await();
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  void twoInstancesDeliverEachEventExactlyOnce(Vertx vertx) {
    Database database = TestDatabase.fresh();
    TestApp a = instanceOn(vertx, database, "api,webhooks");
    TestApp b = instance(database, "api,webhooks");
    Receiver receiver = Receiver.start(vertx, (n, request) -> vertx.setTimer(20, t -> request.response().end()));
    receivers.add(receiver);
    String key = a.createAccount("Acme").await().getString("api_key");
    TestCalls viaA = TestCalls.withKey(a, key);
    TestCalls viaB = TestCalls.withKey(b, key);
    configure(viaA, new JsonObject().put("url", receiver.url()));
    int events = 20;
    for (int i = 0; i < events; i++) {
      schedule(i % 2 == 0 ? viaA : viaB);
    }
    receiver.await(events - 1);
    Eventually.until(vertx, () -> viaB.get("/v1/platform/webhook/logs?status=success").map(r ->
        r.bodyAsJsonObject().getJsonArray("deliveries").size()), n -> n == events);

    Set<String> ids = new HashSet<>();
    receiver.requests().forEach(r -> ids.add(r.webhookId()));
    assertEquals(events, ids.size());
    assertEquals(events, receiver.requests().size(), "no event twice");
    long attempts = a.database.pool(vertx).query("SELECT sum(attempts) FROM webhook_deliveries").execute().await()
        .iterator().next().getLong(0);
    assertEquals(events, attempts, "one attempt per event");
  }

  @Test
  void anotherInstanceIsWokenAtOnceByNotify(Vertx vertx) {
    Database database = TestDatabase.fresh();
    TestApp api = instanceOn(vertx, database, "api");
    instance(database, "webhooks");
    Receiver receiver = Receiver.ok(vertx);
    receivers.add(receiver);
    TestCalls calls = account(api);
    configure(calls, new JsonObject().put("url", receiver.url()));
    long before = System.nanoTime();
    schedule(calls);
    long millis = (receiver.await(0).arrivedNanos() - before) / 1_000_000;
    assertTrue(millis < WebhookDeliveryVerticle.POLL_MILLIS / 10, "delivered by the other node after " + millis + " ms");
  }

  @Test
  void anInstanceKilledMidDeliveryLosesNothing(Vertx vertx) {
    Database database = TestDatabase.fresh();
    TestApp doomed = instance(database, "api,webhooks");
    // The first request is never answered: the doomed instance holds its lease when it dies.
    Receiver receiver = Receiver.start(vertx, (n, request) -> {
      if (n > 0) {
        request.response().end();
      }
    });
    receivers.add(receiver);
    String key = doomed.createAccount("Acme").await().getString("api_key");
    TestCalls calls = TestCalls.withKey(doomed, key);
    configure(calls, new JsonObject().put("url", receiver.url()).put("timeout_seconds", 2));
    schedule(calls);
    Receiver.Request first = receiver.await(0);
    doomed.vertx.close().await();

    TestApp survivor = instanceOn(vertx, database, "api,webhooks");
    Receiver.Request second = receiver.await(1);
    assertEquals(first.webhookId(), second.webhookId());
    assertEquals(first.body(), second.body());
    TestCalls viaSurvivor = TestCalls.withKey(survivor, key);
    JsonArray log = Eventually.until(vertx, () -> viaSurvivor.get("/v1/platform/webhook/logs").map(r ->
        r.bodyAsJsonObject().getJsonArray("deliveries")), l -> "success".equals(l.getJsonObject(0).getString("status")));
    assertEquals(1, log.size());
    assertEquals(2, receiver.requests().size());
  }

  @Test
  void aDrainingInstanceGivesBackTheLeasesOfAttemptsStillRunning(Vertx vertx) {
    Database database = TestDatabase.fresh();
    Map<String, String> env = new HashMap<>(WebhookDeliveryTest.FAST);
    env.put("CONVENE_SHUTDOWN_DRAIN_SECONDS", "1");
    Vertx doomedVertx = Vertx.vertx();
    others.add(doomedVertx);
    TestApp draining = TestApp.start(doomedVertx, database, env).await();
    // The first request is held past the drain time; its lease (4 × timeout 30 s + margin) would last 130 s.
    Receiver receiver = Receiver.start(vertx, (n, request) -> {
      if (n > 0) {
        request.response().end();
      }
    });
    receivers.add(receiver);
    String key = draining.createAccount("Acme").await().getString("api_key");
    TestCalls calls = TestCalls.withKey(draining, key);
    configure(calls, new JsonObject().put("url", receiver.url()).put("timeout_seconds", 30));
    schedule(calls);
    Receiver.Request first = receiver.await(0);

    draining.application.drain().await();
    assertEquals(0L, database.pool(vertx).query("SELECT count(*) FROM webhook_deliveries WHERE lease_until IS NOT NULL")
        .execute().await().iterator().next().getLong(0), "the lease is given back, not left to lapse");

    long before = System.nanoTime();
    instanceOn(vertx, database, "webhooks");
    Receiver.Request second = receiver.await(1);
    assertEquals(first.webhookId(), second.webhookId());
    long millis = (second.arrivedNanos() - before) / 1_000_000;
    assertTrue(millis < 10_000, "taken over at once, not when the 130 s lease lapsed: " + millis + " ms");
  }
}
