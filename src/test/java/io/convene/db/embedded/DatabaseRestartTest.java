package io.convene.db.embedded;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL shut down and started again under meeting traffic (reads, reschedules, schedules): while
 * it is away or starting, connections end with 57P01 or are refused with 57P03 or at the socket.
 * Every answer is then a 503 with Retry-After, on every route; never a 500. Traffic recovers by itself.
 */
class DatabaseRestartTest {
  private static final int IN_FLIGHT = 8;

  @Test
  void aRestartUnderMeetingTrafficAnswersOnly503sWhileItLasts(@TempDir Path dir) throws Exception {
    SamePortServer server = new SamePortServer(dir);
    Vertx vertx = Vertx.vertx();
    Traffic traffic = null;
    try {
      TestApp app = TestApp.start(vertx, Database.embedded(server.first(), 4), Map.of("CONVENE_WORKERS", "api"))
          .await(60, TimeUnit.SECONDS);
      TestCalls calls = TestCalls.withKey(app, app.createAccount("Acme").await().getString("api_key"));
      List<String> meetings = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        meetings.add(calls.post("/v1/schedule", schedule()).await().bodyAsJsonObject().getString("meeting_id"));
      }
      traffic = new Traffic(calls, meetings);
      traffic.start(vertx);
      Traffic running = traffic;
      Eventually.until(vertx, () -> Future.succeededFuture(running.ok.get()), ok -> ok >= 50);

      server.first().close();
      int okBeforeRestart = traffic.ok.get();
      server.startAgain();
      Eventually.until(vertx, () -> Future.succeededFuture(running.ok.get()), ok -> ok >= okBeforeRestart + 50);
      traffic.stop().await(20, TimeUnit.SECONDS);

      Map<Integer, Integer> statuses = new TreeMap<>(traffic.statuses);
      assertEquals(0, statuses.getOrDefault(500, 0), "no 500 while the database restarted: " + statuses);
      assertTrue(statuses.getOrDefault(503, 0) > 0, "the restart was seen as 503s: " + statuses);
      assertEquals(List.of(200, 503), new ArrayList<>(statuses.keySet()), "only 200 and 503: " + statuses);
      assertEquals(0, traffic.unavailableWithoutRetryAfter.get(), "every 503 says Retry-After");
    } finally {
      if (traffic != null) {
        traffic.stop().await(20, TimeUnit.SECONDS);
      }
      vertx.close().await(30, TimeUnit.SECONDS);
      server.close();
    }
  }

  private static JsonObject schedule() {
    return new JsonObject("""
        {"attendees": ["alice@example.com"], "start_time": "2025-11-25T14:00:00-08:00",
         "duration_minutes": 30, "title": "Restart"}""");
  }

  /** Keeps {@value #IN_FLIGHT} requests in flight, cycling through read, reschedule and schedule. */
  private static final class Traffic {
    final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger unavailableWithoutRetryAfter = new AtomicInteger();
    private final TestCalls calls;
    private final List<String> meetings;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger sent = new AtomicInteger();
    private final List<Future<Void>> loops = new ArrayList<>();

    Traffic(TestCalls calls, List<String> meetings) {
      this.calls = calls;
      this.meetings = meetings;
    }

    void start(Vertx vertx) {
      for (int i = 0; i < IN_FLIGHT; i++) {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        loops.add(done.future());
        vertx.runOnContext(v -> next(done));
      }
    }

    Future<Void> stop() {
      stopping.set(true);
      return Future.all(loops).mapEmpty();
    }

    private void next(io.vertx.core.Promise<Void> done) {
      if (stopping.get()) {
        done.tryComplete();
        return;
      }
      int n = sent.incrementAndGet();
      String meeting = meetings.get(n % meetings.size());
      Future<HttpResponse<Buffer>> call = switch (n % 3) {
        case 0 -> calls.get("/v1/meetings/" + meeting);
        case 1 -> calls.put("/v1/meetings/" + meeting, new JsonObject()
            .put("start_time", "2025-11-26T15:00:00-08:00").put("end_time", "2025-11-26T15:" + (30 + n % 29) + ":00-08:00"));
        default -> calls.post("/v1/schedule", schedule());
      };
      call.onComplete(answer -> {
        int status = answer.succeeded() ? answer.result().statusCode() : -1;
        statuses.merge(status, 1, Integer::sum);
        if (status == 200) {
          ok.incrementAndGet();
        } else if (status == 503 && answer.result().getHeader("Retry-After") == null) {
          unavailableWithoutRetryAfter.incrementAndGet();
        }
        next(done);
      });
    }
  }
}
