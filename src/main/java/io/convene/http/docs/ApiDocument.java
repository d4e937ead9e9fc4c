package io.convene.http.docs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The OpenAPI document ({@code openapi/convene.yaml} in the jar): kept in YAML, served as it is and as JSON;
 * and the docs page that renders it with the Swagger UI release packaged in the jar.
 */
public final class ApiDocument {
  public static final String RESOURCE = "openapi/convene.yaml";
  private static final String PAGE = "docs/index.html";
  private static final String SWAGGER_UI = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  final Buffer yaml;
  final Buffer json;
  final Buffer page;
  /** Where Swagger UI's files are on the class path. */
  final String assets;

  private ApiDocument(String yaml, JsonObject json, String page, String assets) {
    this.yaml = Buffer.buffer(yaml);
    this.json = json.toBuffer();
    this.page = Buffer.buffer(page);
    this.assets = assets;
  }

  /** Reads the class path: off the event loop. */
  static ApiDocument load() {
    String yaml = resource(RESOURCE);
    Properties swaggerUi = new Properties();
    try (InputStream in = stream(SWAGGER_UI)) {
      swaggerUi.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ApiDocument(yaml, parse(yaml), resource(PAGE),
        "META-INF/resources/webjars/swagger-ui/" + swaggerUi.getProperty("version"));
  }

  /** The document as JSON. Dates stay the strings they are in JSON (YAML would make them timestamps). */
  public static JsonObject parse(String yaml) {
    Resolver withoutTimestamps = new Resolver() {
      @Override
      protected void addImplicitResolvers() {
        addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.BOOL, BOOL, "yYnNtTfFoO");
        addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.INT, INT, "-+0123456789");
        addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.FLOAT, FLOAT, "-+0123456789.");
        addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.MERGE, MERGE, "<");
        addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, NULL, "~nN\0");
        addImplicitResolver(org.yaml.snakeyaml.nodes.Tag.NULL, EMPTY, null);
      }
    };
    LoaderOptions loading = new LoaderOptions();
    DumperOptions dumping = new DumperOptions();
    Yaml parser = new Yaml(new SafeConstructor(loading), new Representer(dumping), dumping, loading, withoutTimestamps);
    return (JsonObject) json(parser.load(yaml));
  }

  /** JSON keys are strings; YAML's ({@code 200:}) may be numbers. */
  private static Object json(Object yaml) {
    if (yaml instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((key, value) -> out.put(String.valueOf(key), json(value)));
      return new JsonObject(out);
    }
    if (yaml instanceof List<?> list) {
      return new JsonArray(list.stream().map(ApiDocument::json).toList());
    }
    return yaml;
  }

  public static String resource(String name) {
    try (InputStream in = stream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream stream(String name) {
    InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is missing from the class path");
    }
    return in;
  }
}
