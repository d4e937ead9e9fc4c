package io.convene.observability;

import io.convene.Eventually;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.calendar.FakeGoogle;
import io.convene.config.ObservabilityConfig;
import io.convene.metrics.Metrics;
import io.convene.webhook.Receiver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.convene.TestCalls.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /metrics}: the families README lists, by route template and never by raw path, where configured. */
class MetricsTest {
  private static final ObservabilityConfig METRICS_ON = new ObservabilityConfig(true, null, ObservabilityConfig.TEXT, false);

  private Vertx vertx;
  private TestApp app;

  private TestApp start(ObservabilityConfig observability, Map<String, String> env) {
    vertx = Metrics.vertx(new VertxOptions(), observability);
    app = TestApp.start(vertx, env).await();
    return app;
  }

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void everyFamilyIsServedByRouteTemplateAndStatusClassBehindTheAdminToken() {
    vertx = Metrics.vertx(new VertxOptions(), METRICS_ON);
    FakeGoogle google = FakeGoogle.start(vertx).await();
    Map<String, String> env = new HashMap<>(google.env());
    env.put("CONVENE_WEBHOOKS_ALLOW_INSECURE", "true");
    app = TestApp.start(vertx, env).await();
    JsonObject account = app.createAccount("Acme").await();
    TestCalls acme = TestCalls.withKey(app, account.getString("api_key"));
    Receiver receiver = Receiver.ok(vertx);
    assertEquals(200, acme.put("/v1/platform/webhook", new JsonObject().put("url", receiver.url())).await().statusCode());
    app.importCalendar(account.getString("id"), "alice@example.com", google.grant("alice@example.com").await()).await();
    String meetingId = acme.post("/v1/schedule", new JsonObject()
            .put("attendees", new JsonArray().add("alice@example.com").add("bob@example.com"))
            .put("start_time", "2025-11-25T14:00:00-08:00").put("duration_minutes", 30).put("title", "Intro call"))
        .await().bodyAsJsonObject().getString("meeting_id");
    assertEquals(200, acme.get("/v1/meetings/" + meetingId).await().statusCode());
    assertEquals(404, acme.get("/v1/meetings/meet_unknown").await().statusCode());
    receiver.await(0);

    String metrics = Eventually.until(vertx, () -> scrape(app.client), text ->
        text.contains("convene_calendar_sync_outcomes_total{status=\"synced\"}")
            && text.contains("convene_webhook_attempts_total{outcome=\"success\"}"));

    assertSample(metrics, "vertx_http_server_response_time_seconds_bucket",
        "method=\"GET\"", "route=\"/v1/meetings/:meetingId\"", "status_class=\"2xx\"");
    assertSample(metrics, "vertx_http_server_response_time_seconds_bucket",
        "method=\"GET\"", "route=\"/v1/meetings/:meetingId\"", "status_class=\"4xx\"");
    assertSample(metrics, "vertx_http_server_response_time_seconds_count",
        "method=\"POST\"", "route=\"/v1/schedule\"", "status_class=\"2xx\"");
    assertFalse(metrics.contains(meetingId), "a raw path (a meeting id) reached a label");
    assertFalse(metrics.contains("meet_unknown"), "a raw path reached a label");
    assertFalse(Pattern.compile("^vertx_http_server[^\\n]*code=", Pattern.MULTILINE).matcher(metrics).find(),
        "HTTP server series carry the status class, not the code");
    for (String family : List.of(
        "vertx_http_server_response_time_seconds histogram",
        "vertx_pool_in_use gauge",
        "vertx_pool_queue_pending gauge",
        "vertx_pool_queue_time_seconds histogram",
        "convene_event_loop_delay_seconds histogram",
        "convene_webhook_deliveries_due gauge",
        "convene_webhook_oldest_due_age_seconds gauge",
        "convene_webhook_attempts_total counter",
        "convene_webhook_attempt_duration_seconds histogram",
        "convene_calendar_sync_backlog gauge",
        "convene_calendar_sync_outcomes_total counter",
        "convene_credential_cache_lookups_total counter",
        "jvm_memory_used_bytes gauge",
        "jvm_gc_memory_allocated_bytes_total counter",
        "jvm_threads_live_threads gauge")) {
      assertTrue(metrics.contains("# TYPE " + family + "\n"), "no " + family + " in\n" + metrics);
    }
    assertSample(metrics, "vertx_pool_in_use", "pool_type=\"sql\"");
    // Every database client reports under a name of its own (one name would keep only the first one's gauges).
    for (String client : new String[] {"/reads@vert.x-eventloop-thread-", "/writes@vert.x-eventloop-thread-",
        "/webhook-queue@vert.x-eventloop-thread-"}) {
      assertSample(metrics, "vertx_pool_in_use", "pool_type=\"sql\"", client);
    }
    assertSample(metrics, "convene_event_loop_delay_seconds_count", "loop=\"vert.x-eventloop-thread-");
    assertSample(metrics, "convene_webhook_deliveries_due");
    assertSample(metrics, "convene_credential_cache_lookups_total", "result=\"hit\"");
    assertSample(metrics, "convene_credential_cache_lookups_total", "result=\"miss\"");
  }

  @Test
  void theScrapeOnTheApiPortNeedsTheAdminToken() {
    start(METRICS_ON, Map.of());
    assertError(app.client.get("/metrics").send().await(), 401, "invalid_admin_token",
        "send the admin token as 'Authorization: Bearer <token>'", null);
    assertError(app.client.get("/metrics").bearerTokenAuthentication("not-the-token").send().await(), 401,
        "invalid_admin_token", "send the admin token as 'Authorization: Bearer <token>'", null);
  }

  @Test
  void withAMetricsPortTheScrapeIsThereWithoutAuthAndNotOnTheApiPort() {
    int port = freePort();
    start(new ObservabilityConfig(true, port, ObservabilityConfig.TEXT, false),
        Map.of("CONVENE_METRICS_PORT", String.valueOf(port)));
    HttpResponse<Buffer> scrape = WebClient.create(vertx).get(port, "127.0.0.1", "/metrics").send().await();
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.bodyAsString().contains("# TYPE convene_webhook_deliveries_due gauge"), scrape.bodyAsString());
    assertError(app.client.get("/metrics").bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await(), 404,
        "not_found", "no route for GET /metrics", null);
  }

  @Test
  void metricsOffMeansNoMetricsAtAll() {
    start(new ObservabilityConfig(false, null, ObservabilityConfig.TEXT, false), Map.of("CONVENE_METRICS_ENABLED", "false"));
    assertFalse(vertx.isMetricsEnabled());
    assertError(app.client.get("/metrics").bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().await(), 404,
        "not_found", "no route for GET /metrics", null);
  }

  private static Future<String> scrape(WebClient client) {
    return client.get("/metrics").bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send().map(response -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      return response.bodyAsString();
    });
  }

  /** A sample line of {@code name} carrying every one of {@code labels}. */
  private static void assertSample(String metrics, String name, String... labels) {
    boolean found = metrics.lines().anyMatch(line -> (line.startsWith(name + "{") || line.startsWith(name + " "))
        && Arrays.stream(labels).allMatch(line::contains));
    assertTrue(found, "no " + name + " sample with " + String.join(", ", labels) + " in\n" + metrics);
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
