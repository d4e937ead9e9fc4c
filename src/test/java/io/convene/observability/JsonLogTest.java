package io.convene.observability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.convene.TestApp;
import io.convene.TestCalls;
import io.convene.calendar.FakeGoogle;
import io.convene.config.ObservabilityConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code log_format=json} with the access log on: one JSON object a line, naming the request it was logged in. */
@ExtendWith(VertxExtension.class)
class JsonLogTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> capture;

  @AfterEach
  void backToText() {
    if (capture != null) {
      root().detachAppender(capture);
      capture.stop();
    }
    LogFormat.use(ObservabilityConfig.TEXT);
  }

  @Test
  void eachRequestLogsOneJsonLineWithItsIdTenantRouteStatusAndDuration(Vertx vertx) {
    FakeGoogle google = FakeGoogle.start(vertx).await();
    Map<String, String> env = new HashMap<>(google.env());
    env.putAll(Map.of("CONVENE_LOG_FORMAT", "json", "CONVENE_ACCESS_LOG", "true", "CONVENE_WEBHOOKS_ALLOW_INSECURE", "true"));
    TestApp app = TestApp.start(vertx, env).await();
    assertTrue(console().getEncoder() instanceof LogstashEncoder, "the console writes JSON");
    capture = new OutputStreamAppender<>();
    capture.setContext(context);
    capture.setEncoder(LogFormat.json(context));
    capture.setOutputStream(captured);
    capture.start();
    root().addAppender(capture);

    JsonObject account = app.createAccount("Acme").await();
    TestCalls acme = TestCalls.withKey(app, account.getString("api_key"));
    // Credentials issued and used while the logs are JSON, for .ci/no-secrets-in-logs to look for.
    assertEquals(200, TestCalls.withKey(app, app.accessToken(account).await()).get("/v1/meetings").await().statusCode());
    assertTrue(acme.put("/v1/platform/webhook", new JsonObject().put("url", "http://127.0.0.1:9/convene")).await()
        .bodyAsJsonObject().getString("secret").startsWith("whsec_"));
    assertEquals(401, TestCalls.withKey(app, account.getString("api_key") + "x").get("/v1/meetings").await().statusCode());
    HttpResponse<Buffer> missing = acme.get("/v1/meetings/meet_nope").await();
    assertEquals(404, missing.statusCode());
    // A line logged by a route while it runs (Google refuses to revoke a disconnected grant) names the request too.
    app.importCalendar(account.getString("id"), "alice@example.com", google.grant("alice@example.com").await()).await();
    google.failNext("POST", "/revoke", 503, new JsonObject().put("error", "backendError")).await();
    HttpResponse<Buffer> disconnected = acme.delete("/v1/calendars/alice@example.com").await();
    assertEquals(200, disconnected.statusCode(), disconnected.bodyAsString());

    List<JsonObject> lines = captured.toString(StandardCharsets.UTF_8).lines().map(JsonObject::new).toList();
    JsonObject read = lines.stream().filter(l -> missing.getHeader("X-Request-Id").equals(l.getString("request_id")))
        .findFirst().orElseThrow(() -> new AssertionError("no line of the request in " + lines));
    assertEquals("io.convene.access", read.getString("logger"));
    assertEquals("INFO", read.getString("level"));
    assertEquals(account.getString("id"), read.getString("tenant_id"));
    assertEquals("/v1/meetings/:meetingId", read.getString("route"), "the route template, never the raw path");
    assertEquals("GET", read.getString("method"));
    assertEquals(404, read.getInteger("status"));
    assertTrue(read.getLong("duration_ms") >= 0);
    assertTrue(read.getString("timestamp").matches("\\d{4}-\\d\\d-\\d\\dT.*"), read.getString("timestamp"));
    assertEquals("GET /v1/meetings/:meetingId 404 " + read.getLong("duration_ms") + " ms "
        + read.getString("request_id") + " " + account.getString("id"), read.getString("message"));
    assertEquals(Set.of("timestamp", "message", "logger", "thread", "level", "request_id", "tenant_id", "route",
        "method", "status", "duration_ms"), read.fieldNames());

    JsonObject warning = lines.stream().filter(l -> "WARN".equals(l.getString("level"))
            && disconnected.getHeader("X-Request-Id").equals(l.getString("request_id")))
        .findFirst().orElseThrow(() -> new AssertionError("no warning of the disconnect in " + lines));
    assertEquals("io.convene.http.platform.CalendarRoutes", warning.getString("logger"));
    assertEquals(account.getString("id"), warning.getString("tenant_id"));
    assertEquals("/v1/calendars/:email", warning.getString("route"));
    assertTrue(warning.getString("message").startsWith("Google did not revoke a disconnected calendar's grant"),
        warning.getString("message"));

    JsonObject created = lines.stream().filter(l -> "/admin/v1/accounts".equals(l.getString("route")))
        .findFirst().orElseThrow(() -> new AssertionError("no access line of the admin call in " + lines));
    assertEquals(201, created.getInteger("status"));
    assertTrue(!created.containsKey("tenant_id"), "the admin API acts for no tenant: " + created);
  }

  private Logger root() {
    return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private OutputStreamAppender<ILoggingEvent> console() {
    for (Iterator<Appender<ILoggingEvent>> it = root().iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender && appender != capture) {
        return appender;
      }
    }
    throw new AssertionError("no console appender");
  }
}
