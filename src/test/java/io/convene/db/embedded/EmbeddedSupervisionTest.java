package io.convene.db.embedded;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.db.Database;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded PostgreSQL under supervision: killed, it is started again on the same port (readiness
 * answers 503 meanwhile) and Convene serves again with everything acknowledged before; one that cannot
 * be started again is given up after a bounded number of tries, with the reason.
 */
@ExtendWith(VertxExtension.class)
class EmbeddedSupervisionTest {

  @Test
  void aKilledServerIsRestartedAndServiceResumes(Vertx vertx, @TempDir Path dir) throws Exception {
    EmbeddedPostgres pg = startOnAFixedPort(dir);
    try {
      Promise<String> gaveUp = Promise.promise();
      // Long enough a first backoff that the outage is there to be seen: a backend of the killed server may
      // still answer a query for a moment, so readiness is polled until it fails, not asked once.
      pg.supervise(Duration.ofSeconds(3), 3, gaveUp::tryComplete);
      TestApp app = TestApp.start(vertx, Database.embedded(pg, 4), Map.of("CONVENE_WORKERS", "api")).await(60, TimeUnit.SECONDS);
      TestCalls calls = TestCalls.withKey(app, app.createAccount("Acme").await().getString("api_key"));
      String meetingId = calls.post("/v1/schedule", new JsonObject("""
          {"attendees": ["alice@example.com"], "start_time": "2025-11-25T14:00:00-08:00",
           "duration_minutes": 30, "title": "Before the crash"}""")).await().bodyAsJsonObject().getString("meeting_id");

      long killed = killPostmaster(dir);
      Eventually.until(vertx, () -> app.client.get("/health/ready").send(), r -> r.statusCode() == 503);

      Eventually.until(vertx, () -> app.client.get("/health/ready").send(), r -> r.statusCode() == 200);
      assertNotEquals(killed, postmasterPid(dir), "a new postmaster");
      HttpResponse<Buffer> back = calls.get("/v1/meetings/" + meetingId).await(20, TimeUnit.SECONDS);
      assertEquals(200, back.statusCode(), back.bodyAsString());
      assertEquals("Before the crash", back.bodyAsJsonObject().getString("title"));
      assertEquals(200, calls.post("/v1/schedule", new JsonObject("""
          {"attendees": ["bob@example.com"], "start_time": "2025-11-26T14:00:00-08:00",
           "duration_minutes": 30, "title": "After the crash"}""")).await(20, TimeUnit.SECONDS).statusCode());
      assertFalse(gaveUp.future().isComplete(), "not given up");
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      pg.close();
    }
  }

  @Test
  void aServerThatCannotStartAgainIsGivenUpWithTheReason(@TempDir Path dir) throws Exception {
    EmbeddedPostgres pg = startOnAFixedPort(dir);
    try {
      Promise<String> gaveUp = Promise.promise();
      pg.supervise(Duration.ofMillis(100), 2, gaveUp::tryComplete);
      // Without its configuration file PostgreSQL refuses to start.
      Files.delete(dir.resolve("postgres/postgresql.conf"));
      killPostmaster(dir);
      String reason = gaveUp.future().await(120, TimeUnit.SECONDS);
      assertTrue(reason.startsWith("the embedded PostgreSQL (" + dir.resolve("postgres") + ") could not be kept running: "
          + "2 restarts failed; the last: PostgreSQL failed to start"), reason);
      assertTrue(reason.contains("postgresql.conf"), "the server's own words: " + reason);
    } finally {
      pg.close();
    }
  }

  private static EmbeddedPostgres startOnAFixedPort(Path dir) {
    int port = EmbeddedPostgres.freePort();
    java.util.function.IntSupplier previous = EmbeddedPostgres.portChooser;
    EmbeddedPostgres.portChooser = () -> port;
    try {
      return EmbeddedPostgres.start(dir);
    } finally {
      EmbeddedPostgres.portChooser = previous;
    }
  }

  private static long postmasterPid(Path dir) throws Exception {
    return Long.parseLong(Files.readAllLines(dir.resolve("postgres/postmaster.pid")).get(0).trim());
  }

  /** SIGKILL of the postmaster, as an OOM killer would; returns once it is gone. */
  private static long killPostmaster(Path dir) throws Exception {
    long postmaster = postmasterPid(dir);
    ProcessHandle handle = ProcessHandle.of(postmaster).orElseThrow();
    handle.destroyForcibly();
    handle.onExit().join();
    return postmaster;
  }
}
