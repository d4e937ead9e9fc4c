package io.convene.http;

import io.convene.TestApp;
import io.convene.TestCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every route shares: request ids, the error shape for every failure, the body limit, probes. */
@ExtendWith(VertxExtension.class)
class GatewayHttpTest {
  private TestApp app;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    TestApp.start(vertx, Map.of("CONVENE_MAX_BODY_BYTES", "2048")).onComplete(ctx.succeeding(started -> {
      app = started;
      ctx.completeNow();
    }));
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code, String message) {
    TestCalls.assertError(response, status, code, message, null);
    assertEquals("application/json", response.getHeader("Content-Type"));
  }

  @Test
  void healthIsOpenAndCarriesARequestId(VertxTestContext ctx) {
    app.client.get("/health").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode());
      assertEquals(new JsonObject().put("status", "ok"), response.bodyAsJsonObject());
      assertTrue(response.getHeader("X-Request-Id").startsWith("req_"));
      ctx.completeNow();
    })));
  }

  @Test
  void readinessAsksTheDatabase(VertxTestContext ctx) {
    app.client.get("/health/ready").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertEquals(200, response.statusCode());
      assertEquals(new JsonObject().put("status", "ready"), response.bodyAsJsonObject());
      ctx.completeNow();
    })));
  }

  @Test
  void unknownRouteIsNotFoundInTheErrorShape(VertxTestContext ctx) {
    app.client.get("/nowhere").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertError(response, 404, "not_found", "no route for GET /nowhere");
      ctx.completeNow();
    })));
  }

  @Test
  void wrongMethodIsMethodNotAllowed(VertxTestContext ctx) {
    app.client.delete("/health").send().onComplete(ctx.succeeding(response -> ctx.verify(() -> {
      assertError(response, 405, "method_not_allowed", "DELETE is not allowed on /health");
      ctx.completeNow();
    })));
  }

  @Test
  void malformedJsonIsBadRequest(VertxTestContext ctx) {
    app.client.post("/admin/v1/accounts")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"name\": \"Acme\""))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertError(response, 400, "invalid_json", "request body is not valid JSON");
          ctx.completeNow();
        })));
  }

  @Test
  void nonObjectJsonIsBadRequest(VertxTestContext ctx) {
    app.client.post("/admin/v1/accounts")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("[1, 2]"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertError(response, 400, "invalid_json", "request body must be a JSON object");
          ctx.completeNow();
        })));
  }

  @Test
  void wrongContentTypeIsUnsupportedMediaType(VertxTestContext ctx) {
    app.client.post("/admin/v1/accounts")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer("name=Acme"))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertError(response, 415, "unsupported_media_type", "send the body as application/json, not text/plain");
          ctx.completeNow();
        })));
  }

  @Test
  void bodyOverTheLimitIsPayloadTooLarge(VertxTestContext ctx) {
    String big = "x".repeat(4096);
    app.client.post("/admin/v1/accounts")
        .bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("name", big))
        .onComplete(ctx.succeeding(response -> ctx.verify(() -> {
          assertError(response, 413, "payload_too_large", "request body exceeds the limit of 2048 bytes");
          ctx.completeNow();
        })));
  }
}
