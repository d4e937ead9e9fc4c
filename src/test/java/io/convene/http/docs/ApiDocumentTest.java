package io.convene.http.docs;

import io.convene.TestApp;
import io.convene.config.ObservabilityConfig;
import io.convene.http.server.HttpVerticle;
import io.convene.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document is the truth, checked both ways against the router's route table (the third way,
 * every response against the document, is {@link io.convene.ResponseContract} in every test).
 */
class ApiDocumentTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  private Vertx vertx;
  private TestApp app;
  private final JsonObject document = ApiDocument.parse(ApiDocument.resource(ApiDocument.RESOURCE));

  /** Everything mounted: the admin API (TestApp sets a token) and /metrics (metrics on, no separate port). */
  @BeforeEach
  void start() {
    vertx = Metrics.vertx(new VertxOptions(), new ObservabilityConfig(true, null, ObservabilityConfig.TEXT, false));
    app = TestApp.start(vertx).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void everyRouteTheRouterServesIsInTheDocument() {
    Set<String> missing = new TreeSet<>(served());
    missing.removeAll(documented());
    assertEquals(Set.of(), missing, "routes the router serves that the OpenAPI document leaves out");
  }

  @Test
  void everyPathOfTheDocumentIsServedByTheRouter() {
    Set<String> unserved = new TreeSet<>(documented());
    unserved.removeAll(served());
    assertEquals(Set.of(), unserved, "operations of the OpenAPI document that no route serves");
  }

  @Test
  void theDocumentIsServedAsJsonAndAsYamlWithoutCredentials() {
    HttpResponse<Buffer> json = app.client.get("/openapi.json").send().await();
    assertEquals(200, json.statusCode());
    assertEquals("application/json", json.getHeader("Content-Type"));
    assertEquals(document, json.bodyAsJsonObject());
    assertEquals("3.1.0", json.bodyAsJsonObject().getString("openapi"));
    HttpResponse<Buffer> yaml = app.client.get("/openapi.yaml").send().await();
    assertEquals(200, yaml.statusCode());
    assertEquals("application/yaml", yaml.getHeader("Content-Type"));
    assertEquals(ApiDocument.resource(ApiDocument.RESOURCE), yaml.bodyAsString());
  }

  @Test
  void docsPageRendersTheDocumentWithSwaggerUiFromTheJar() {
    HttpResponse<Buffer> page = app.client.get("/docs").send().await();
    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.getHeader("Content-Type"));
    String html = page.bodyAsString();
    assertTrue(html.contains("SwaggerUIBundle({url: \"openapi.json\""), html);
    assertTrue(!html.contains("http://") && !html.contains("https://"), "nothing is fetched from elsewhere: " + html);
    for (String asset : new String[] {"docs/swagger-ui.css", "docs/swagger-ui-bundle.js", "docs/favicon-32x32.png"}) {
      assertTrue(html.contains("\"" + asset + "\""), asset);
      HttpResponse<Buffer> served = app.client.get("/" + asset).send().await();
      assertEquals(200, served.statusCode(), asset);
      assertTrue(served.body().length() > 0, asset);
    }
    assertEquals("text/css;charset=UTF-8", app.client.get("/docs/swagger-ui.css").send().await().getHeader("Content-Type"));
  }

  /** {@code GET /v1/meetings/{meetingId}}, for each endpoint of the router (a method on an exact path). */
  private Set<String> served() {
    Set<String> routes = new TreeSet<>();
    for (HttpVerticle front : app.httpFronts()) {
      for (Route route : front.routes()) {
        if (route.getPath() != null && route.isExactPath() && route.methods() != null && !route.methods().isEmpty()) {
          String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
          for (HttpMethod method : route.methods()) {
            routes.add(method.name() + " " + path);
          }
        }
      }
    }
    return routes;
  }

  private Set<String> documented() {
    Set<String> operations = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(key)) {
          operations.add(key.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return operations;
  }
}
