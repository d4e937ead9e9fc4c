package io.convene;

import io.convene.http.docs.ApiDocument;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds every response the tests receive through {@link TestApp#client} to the OpenAPI document: the schema of
 * its route and status, validated by Vert.x's own OpenAPI validator. The document's object schemas are open
 * (clients must ignore new fields); here they are closed, so that a field the server sends and the document
 * does not declare fails the test as surely as a required one it leaves out.
 */
public final class ResponseContract {
  /** Parsed once per JVM; kept as the contract, not a future, whose callbacks would run on the Vert.x that made it. */
  private static OpenAPIContract contract;
  /** Statuses of the HTTP decoder (request line or headers too long), answered before routing. */
  private static final java.util.Set<Integer> BEFORE_ROUTING = java.util.Set.of(414, 431);

  private ResponseContract() {
  }

  /** {@code client}, with every answer validated before the test sees it; a mismatch fails the call. */
  public static WebClient validating(Vertx vertx, WebClient client) {
    ResponseValidator[] validator = new ResponseValidator[1];
    return ((WebClientInternal) client).addInterceptor(call -> {
      if (call.phase() != ClientPhase.DISPATCH_RESPONSE) {
        call.next();
        return;
      }
      contract(vertx)
          .compose(openApi -> {
            if (validator[0] == null) {
              validator[0] = ResponseValidator.create(vertx, openApi);
            }
            return check(openApi, validator[0], call);
          })
          .onSuccess(v -> call.next())
          .onFailure(call::fail);
    });
  }

  /** The document the tests hold the server to (closed schemas; media types the validator knows). */
  public static synchronized Future<OpenAPIContract> contract(Vertx vertx) {
    if (contract != null) {
      return Future.succeededFuture(contract);
    }
    JsonObject document = ApiDocument.parse(ApiDocument.resource(ApiDocument.RESOURCE));
    return OpenAPIContract.from(vertx, strict(document)).onSuccess(parsed -> {
      synchronized (ResponseContract.class) {
        contract = parsed;
      }
    });
  }

  private static Future<Void> check(OpenAPIContract openApi, ResponseValidator validator, HttpContext<?> call) {
    HttpResponse<?> response = call.response();
    // After redirects, the answer is the last location's: judge it by the path that served it.
    List<String> redirects = response.followedRedirects();
    String uri = redirects.isEmpty() ? call.request().uri() : java.net.URI.create(redirects.get(redirects.size() - 1))
        .getRawPath();
    Operation operation = openApi.findOperation(servedPath(uri), call.request().method());
    if (operation == null || BEFORE_ROUTING.contains(response.statusCode()) || routerRefused(response)) {
      // No operation of the document served it: the router's own 404 and 405 on paths it does not serve, and
      // what the HTTP decoder refuses before any route runs. Still the one error shape.
      return response.statusCode() < 400 ? Future.succeededFuture() : errorShape(call, response);
    }
    Response declared = operation.getResponse(response.statusCode());
    Map<String, String> headers = new HashMap<>();
    if (declared != null) {
      for (Parameter header : declared.getHeaders()) {
        String value = response.getHeader(header.getName());
        if (value != null) {
          // The validator reads a header that is not a single word as JSON: pass it as a JSON string, so that
          // 'Bearer realm="convene"' is checked as the string it is.
          headers.put(header.getName(), value.matches("\\w+") ? value : Json.encode(value));
        }
      }
    }
    Buffer body = response.bodyAsBuffer();
    String contentType = response.getHeader("Content-Type");
    ValidatableResponse actual = body == null || body.length() == 0 || !validatable(contentType)
        ? ValidatableResponse.create(response.statusCode(), headers)
        : ValidatableResponse.create(response.statusCode(), headers, body, contentType);
    return validator.validate(actual, operation.getOperationId())
        .<Void>mapEmpty()
        .recover(error -> Future.failedFuture(new AssertionError(call.request().method() + " " + abbreviated(uri) + " answered "
            + response.statusCode() + " outside the OpenAPI document (" + operation.getOperationId() + "): "
            + error.getMessage() + "\n" + (body == null ? "" : body.toString()), error)));
  }

  /**
   * The router's own answer for a path this node does not serve (a node without the API worker serves
   * only its probes): no operation of the document ran.
   */
  private static boolean routerRefused(HttpResponse<?> response) {
    if (response.statusCode() != 404 || !validatable(response.getHeader("Content-Type"))) {
      return false;
    }
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    return error != null && "not_found".equals(error.getString("code"))
        && error.getString("message", "").startsWith("no route for ");
  }

  /** JSON bodies are validated; the validator reads no other (forms, YAML, HTML, Prometheus' text). */
  private static boolean validatable(String mediaType) {
    return MediaType.APPLICATION_JSON.equals(mediaType) || MediaType.APPLICATION_JSON_UTF8.equals(mediaType);
  }

  private static Future<Void> errorShape(HttpContext<?> call, HttpResponse<?> response) {
    JsonObject body = response.bodyAsJsonObject();
    JsonObject error = body == null ? null : body.getJsonObject("error");
    boolean shaped = error != null && Boolean.FALSE.equals(body.getValue("success")) && error.getValue("code") instanceof String
        && error.getValue("message") instanceof String && body.getValue("request_id") instanceof String
        && body.fieldNames().equals(java.util.Set.of("success", "error", "request_id"));
    return shaped ? Future.succeededFuture() : Future.failedFuture(new AssertionError(call.request().method() + " "
        + abbreviated(call.request().uri()) + " answered " + response.statusCode() + " outside the error shape: " + body));
  }

  private static String abbreviated(String uri) {
    return uri.length() <= 200 ? uri : uri.substring(0, 200) + "...";
  }

  /** The path the router matched: without the query, with dot segments ({@code %2e} too) resolved, as Vert.x-Web does. */
  private static String servedPath(String uri) {
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    try {
      return new URI(path.replaceAll("(?i)%2e", ".")).normalize().getRawPath();
    } catch (URISyntaxException e) {
      return path;
    }
  }

  private static JsonObject strict(JsonObject document) {
    JsonObject copy = document.copy();
    // Relative server URLs ("/": wherever the document was fetched from) are valid OpenAPI the validator refuses.
    copy.remove("servers");
    close(copy);
    return copy;
  }

  /** Closes every object schema and drops the media types whose bodies are not validated. */
  private static void close(Object node) {
    if (node instanceof JsonObject object) {
      if (object.containsKey("properties") && object.getValue("properties") instanceof JsonObject
          && !object.containsKey("additionalProperties")) {
        object.put("additionalProperties", false);
      }
      if (object.getValue("content") instanceof JsonObject content) {
        content.fieldNames().removeIf(type -> !validatable(type));
        if (content.isEmpty()) {
          object.remove("content");
        }
      }
      object.forEach(entry -> close(entry.getValue()));
    } else if (node instanceof JsonArray array) {
      array.forEach(ResponseContract::close);
    }
  }
}
