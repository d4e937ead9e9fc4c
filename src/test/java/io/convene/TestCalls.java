package io.convene;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP calls as a tenant makes them, and the checks every test repeats. */
public final class TestCalls {
  private final TestApp app;
  private final MultiMap headers;

  private TestCalls(TestApp app, MultiMap headers) {
    this.app = app;
    this.headers = headers;
  }

  public static TestCalls withKey(TestApp app, String apiKey) {
    return new TestCalls(app, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + apiKey));
  }

  public static TestCalls withHeaders(TestApp app, MultiMap headers) {
    return new TestCalls(app, headers);
  }

  public TestCalls header(String name, String value) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(headers).set(name, value);
    return new TestCalls(app, copy);
  }

  public Future<HttpResponse<Buffer>> send(HttpMethod method, String path, JsonObject body) {
    HttpRequest<Buffer> request = app.client.request(method, path).putHeaders(headers);
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  public Future<HttpResponse<Buffer>> raw(HttpMethod method, String path, String contentType, Buffer body) {
    return app.client.request(method, path).putHeaders(headers).putHeader("Content-Type", contentType).sendBuffer(body);
  }

  public Future<HttpResponse<Buffer>> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  public Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body);
  }

  public Future<HttpResponse<Buffer>> put(String path, JsonObject body) {
    return send(HttpMethod.PUT, path, body);
  }

  public Future<HttpResponse<Buffer>> delete(String path) {
    return send(HttpMethod.DELETE, path, null);
  }

  /** The shared error shape, exactly: {@code field} may be null; the request id matches the header. */
  public static void assertError(HttpResponse<Buffer> response, int status, String code, String message, String field) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    String requestId = response.getHeader("X-Request-Id");
    assertTrue(requestId != null && requestId.startsWith("req_"), "X-Request-Id: " + requestId);
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    if (field != null) {
      error.put("field", field);
    }
    assertEquals(new JsonObject().put("success", false).put("error", error).put("request_id", requestId),
        response.bodyAsJsonObject());
  }
}
