package io.convene.http.docs;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.function.Function;

/**
 * {@code /openapi.json}, {@code /openapi.yaml} and the docs page {@code /docs}, from the jar, without
 * authentication: the contract is public, like both vendors'.
 */
public final class ApiDocs {
  private final Vertx vertx;

  public ApiDocs(Vertx vertx) {
    this.vertx = vertx;
  }

  public void mount(Router router) {
    Future<ApiDocument> document = vertx.executeBlocking(ApiDocument::load);
    // No index page: /docs/ would otherwise serve the webjar's own index.html, Swagger's Petstore demo.
    Future<Handler<RoutingContext>> assets = document.map(d -> StaticHandler.create(d.assets).setIndexPage("-"));
    router.get("/openapi.json").handler(ctx -> send(ctx, document, d -> d.json, "application/json"));
    router.get("/openapi.yaml").handler(ctx -> send(ctx, document, d -> d.yaml, "application/yaml"));
    router.get("/docs").handler(ctx -> send(ctx, document, d -> d.page, "text/html; charset=utf-8"));
    router.get("/docs/*").handler(ctx -> assets.onSuccess(handler -> handler.handle(ctx)).onFailure(ctx::fail));
  }

  private static void send(RoutingContext ctx, Future<ApiDocument> document, Function<ApiDocument, Buffer> part,
                           String contentType) {
    document
        .onSuccess(d -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(part.apply(d)))
        .onFailure(ctx::fail);
  }
}
