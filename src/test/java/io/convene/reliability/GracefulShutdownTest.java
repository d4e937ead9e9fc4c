package io.convene.reliability;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM's path: stop accepting, let in-flight requests finish, keep what they changed. */
class GracefulShutdownTest {

  /** Tries a fresh connection every 20 ms (a Vert.x timer, not a sleep) until one is refused. */
  private static boolean refusedWithin(Vertx vertx, int port, int attempts) throws Exception {
    for (int i = 0; i < attempts; i++) {
      HttpClient probe = vertx.createHttpClient();
      try {
        probe.request(HttpMethod.GET, port, "127.0.0.1", "/health").compose(HttpClientRequest::send)
            .await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        if (String.valueOf(e.getMessage()).contains("Connection refused")) {
          return true;
        }
      } finally {
        probe.close().await(5, TimeUnit.SECONDS);
      }
      Promise<Void> tick = Promise.promise();
      vertx.setTimer(20, id -> tick.complete());
      tick.future().await(5, TimeUnit.SECONDS);
    }
    return false;
  }

  @Test
  void aRequestInFlightWhenStoppingCompletesSaysTheConnectionClosesAndNewConnectionsAreRefused() throws Exception {
    Vertx server = Vertx.vertx();
    Vertx clientSide = Vertx.vertx();
    try {
      TestApp app = TestApp.start(server, TestDatabase.fresh(), Map.of("CONVENE_SHUTDOWN_DRAIN_SECONDS", "10")).await();
      String key = app.createAccount("Acme").await().getString("api_key");
      String meetingId = TestCalls.withKey(app, key).post("/v1/schedule", new JsonObject("""
          {"attendees": ["alice@example.com"], "start_time": "2025-11-25T14:00:00-08:00",
           "duration_minutes": 30, "title": "Drain"}""")).await().bodyAsJsonObject().getString("meeting_id");

      HttpClient client = clientSide.createHttpClient();
      Buffer body = new JsonObject("""
          {"start_time": "2025-11-26T15:00:00-08:00", "end_time": "2025-11-26T15:30:00-08:00"}""").toBuffer();
      HttpClientRequest inFlight = client.request(new RequestOptions()
          .setMethod(HttpMethod.PUT).setHost("127.0.0.1").setPort(app.config.httpPort())
          .setURI("/v1/meetings/" + meetingId)
          .putHeader("Authorization", "Bearer " + key)
          .putHeader("Content-Type", "application/json")
          .putHeader("Content-Length", String.valueOf(body.length()))
          // The server's 100 Continue says that it has the head: the request is in flight when the drain starts.
          // Without it the drain could start before the server read the head, and close what was to it an idle
          // connection, as it should.
          .putHeader("Expect", "100-continue")).await(10, TimeUnit.SECONDS);
      Future<JsonObject> answer = inFlight.response().compose(r -> r.body()
          .map(b -> new JsonObject().put("status", r.statusCode()).put("body", b.toJsonObject())
              .put("connection", r.getHeader("Connection"))));
      Promise<Void> continued = Promise.promise();
      inFlight.continueHandler(v -> continued.tryComplete());
      inFlight.sendHead().await(10, TimeUnit.SECONDS);
      continued.future().await(10, TimeUnit.SECONDS);
      inFlight.write(body.getBuffer(0, 10)).await(10, TimeUnit.SECONDS);

      Future<Void> stopping = app.application.drain();

      assertTrue(refusedWithin(clientSide, app.config.httpPort(), 100), "new connections are refused while draining");

      inFlight.end(body.getBuffer(10, body.length())).await(10, TimeUnit.SECONDS);
      JsonObject response = answer.await(10, TimeUnit.SECONDS);
      assertEquals(200, response.getInteger("status"));
      assertEquals("updated", response.getJsonObject("body").getString("status"));
      // The server closes the connection after this answer: saying so keeps a keep-alive client from
      // sending its next request on it, which would be dropped unanswered (RFC 9112, section 9.6).
      assertEquals("close", response.getString("connection"));
      stopping.await(20, TimeUnit.SECONDS);
      int version = app.database.pool(server).preparedQuery("SELECT version FROM meetings WHERE id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(meetingId)).await(10, TimeUnit.SECONDS).iterator().next().getInteger(0);
      assertEquals(2, version, "the drained request's change is committed");
    } finally {
      clientSide.close().await();
      server.close().await();
    }
  }

  /**
   * Readiness fails first, while the listener still serves (a load balancer takes the node out); only
   * after {@code shutdown_delay_seconds} are new connections refused.
   */
  @Test
  void readinessFailsBeforeTheListenerCloses() throws Exception {
    Vertx server = Vertx.vertx();
    Vertx clientSide = Vertx.vertx();
    try {
      TestApp app = TestApp.start(server, TestDatabase.fresh(), Map.of("CONVENE_SHUTDOWN_DELAY_SECONDS", "2")).await();
      int port = app.config.httpPort();
      assertEquals(200, app.client.get("/health/ready").send().await().statusCode());

      Future<Void> stopping = app.application.shutdown();

      HttpClient client = clientSide.createHttpClient();
      JsonObject ready = client.request(HttpMethod.GET, port, "127.0.0.1", "/health/ready")
          .compose(HttpClientRequest::send)
          .compose(r -> r.body().map(b -> new JsonObject().put("status", r.statusCode())
              .put("connection", r.getHeader("Connection")).put("body", b.toJsonObject())))
          .await(10, TimeUnit.SECONDS);
      assertEquals(503, ready.getInteger("status"));
      assertEquals("shutting_down", ready.getJsonObject("body").getJsonObject("error").getString("code"));
      assertEquals("this node is shutting down", ready.getJsonObject("body").getJsonObject("error").getString("message"));
      assertEquals("close", ready.getString("connection"), "keep-alive clients are sent to reconnect elsewhere");
      int live = client.request(HttpMethod.GET, port, "127.0.0.1", "/health").compose(HttpClientRequest::send)
          .map(r -> r.statusCode()).await(10, TimeUnit.SECONDS);
      assertEquals(200, live, "requests are still served while readiness fails");
      assertTrue(!stopping.isComplete(), "the listener stays open for the delay");

      stopping.await(20, TimeUnit.SECONDS);
      assertTrue(refusedWithin(clientSide, port, 100), "new connections are refused after the delay");
    } finally {
      clientSide.close().await();
      server.close().await();
    }
  }
}
