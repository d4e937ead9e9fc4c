package io.convene.http;

import io.convene.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A worker node (no {@code api}) is probed like an API node, and serves nothing else. */
@ExtendWith(VertxExtension.class)
class HealthOnlyNodeTest {

  @Test
  void aWorkerNodeAnswersItsProbesAndNothingElse(Vertx vertx) {
    TestApp app = TestApp.start(vertx, Map.of("CONVENE_WORKERS", "webhooks,calendar")).await();
    HttpResponse<Buffer> live = app.client.get("/health").send().await();
    assertEquals(200, live.statusCode());
    assertEquals(new JsonObject().put("status", "ok"), live.bodyAsJsonObject());
    HttpResponse<Buffer> ready = app.client.get("/health/ready").send().await();
    assertEquals(200, ready.statusCode());
    assertEquals(new JsonObject().put("status", "ready"), ready.bodyAsJsonObject());
    HttpResponse<Buffer> api = app.client.get("/v1/meetings").send().await();
    assertEquals(404, api.statusCode());
    assertEquals("not_found", api.bodyAsJsonObject().getJsonObject("error").getString("code"));
  }
}
