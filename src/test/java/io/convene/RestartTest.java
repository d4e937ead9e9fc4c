package io.convene;

import io.convene.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Convene keeps nothing that matters in memory: restarts and concurrent starts on one database. */
@ExtendWith(VertxExtension.class)
class RestartTest {
  private static final JsonObject SCHEDULE = new JsonObject("""
      {"attendees": ["alice@example.com"], "start_time": "2025-11-25T14:00:00-08:00",
       "duration_minutes": 30, "title": "Survives"}""");

  @Test
  void aRestartKeepsEveryMeetingAndCredential() {
    Database database = TestDatabase.fresh();
    Vertx first = Vertx.vertx();
    String key;
    String meetingId;
    JsonObject before;
    try {
      TestApp app = TestApp.start(first, database, Map.of()).await();
      key = app.createAccount("Acme").await().getString("api_key");
      TestCalls calls = TestCalls.withKey(app, key);
      meetingId = calls.post("/v1/schedule", SCHEDULE).await().bodyAsJsonObject().getString("meeting_id");
      calls.delete("/v1/meetings/" + meetingId).await();
      before = calls.get("/v1/meetings/" + meetingId).await().bodyAsJsonObject();
    } finally {
      first.close().await();
    }
    Vertx second = Vertx.vertx();
    try {
      TestApp app = TestApp.start(second, database, Map.of()).await();
      JsonObject after = TestCalls.withKey(app, key).get("/v1/meetings/" + meetingId).await().bodyAsJsonObject();
      assertEquals(before, after);
      assertEquals("cancelled", after.getString("status"));
    } finally {
      second.close().await();
    }
  }

  @Test
  void migrationsRunTwiceAreANoOp() throws java.io.IOException {
    long scripts;
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("target/classes/db/migration"))) {
      scripts = files.filter(f -> f.getFileName().toString().endsWith(".sql")).count();
    }
    Database database = TestDatabase.fresh();
    assertEquals(scripts, database.migrate(), "every versioned script on an empty database");
    assertEquals(0, database.migrate());
  }

  @Test
  void twoInstancesStartingTogetherMigrateOnce() {
    Database database = TestDatabase.fresh();
    Vertx a = Vertx.vertx();
    Vertx b = Vertx.vertx();
    try {
      Future.all(TestApp.start(a, database, Map.of()), TestApp.start(b, database, Map.of())).await();
      assertEquals(0, database.migrate());
    } finally {
      a.close().await();
      b.close().await();
    }
  }
}
