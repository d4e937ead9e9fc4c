package io.convene.webhook;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real webhook receiver for tests: a local HTTP server that keeps every request that arrives and
 * answers the n-th one (counting from 0) as the test's script says.
 */
public final class Receiver {
  /** What arrived, with the time it arrived. */
  /** {@code remotePort}: the sender's side of the connection it came over. */
  public record Request(String path, MultiMap headers, Buffer body, long arrivedNanos, int remotePort) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String webhookId() {
      return headers.get("webhook-id");
    }
  }

  @FunctionalInterface
  public interface Script {
    void answer(int n, HttpServerRequest request);
  }

  private final Script script;
  private final List<Request> requests = new ArrayList<>();
  private final Map<Integer, Promise<Request>> waiting = new HashMap<>();
  private final Map<String, Integer> open = new HashMap<>();
  private final Map<String, Integer> mostOpen = new HashMap<>();
  private int openTotal;
  private int mostOpenTotal;
  private HttpServer server;

  private Receiver(Script script) {
    this.script = script;
  }

  public static Receiver start(Vertx vertx, Script script) {
    Receiver receiver = new Receiver(script);
    receiver.server = vertx.createHttpServer().requestHandler(receiver::handle).listen(0, "127.0.0.1").await();
    return receiver;
  }

  /** Answers every request with 200. */
  public static Receiver ok(Vertx vertx) {
    return start(vertx, answering(200));
  }

  /** The n-th request gets {@code statuses[n]}; the last status repeats. */
  public static Script answering(int... statuses) {
    return (n, request) -> request.response().setStatusCode(statuses[Math.min(n, statuses.length - 1)]).end("ok");
  }

  public String url() {
    return url("/hook");
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public int port() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    request.body().onSuccess(body -> {
      Request arrived = new Request(path, MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body,
          System.nanoTime(), request.remoteAddress().port());
      int n;
      Promise<Request> promise;
      synchronized (this) {
        n = requests.size();
        requests.add(arrived);
        promise = waiting.remove(n);
        openTotal++;
        mostOpenTotal = Math.max(mostOpenTotal, openTotal);
        int nowOpen = open.merge(path, 1, Integer::sum);
        mostOpen.merge(path, nowOpen, Math::max);
      }
      boolean[] counted = {true};
      Runnable closed = () -> {
        synchronized (this) {
          if (counted[0]) {
            counted[0] = false;
            openTotal--;
            open.merge(path, -1, Integer::sum);
          }
        }
      };
      request.response().closeHandler(v -> closed.run());
      request.response().endHandler(v -> closed.run());
      if (promise != null) {
        promise.complete(arrived);
      }
      script.answer(n, request);
    });
  }

  /** The n-th request (from 0), waiting up to 30 s for it. */
  public Request await(int n) {
    Future<Request> future;
    synchronized (this) {
      if (n < requests.size()) {
        return requests.get(n);
      }
      future = waiting.computeIfAbsent(n, i -> Promise.promise()).future();
    }
    return future.timeout(30, TimeUnit.SECONDS).await();
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The most requests that were open at once, on one path. */
  public synchronized int mostOpen(String path) {
    return mostOpen.getOrDefault(path, 0);
  }

  public synchronized int mostOpen() {
    return mostOpenTotal;
  }

  public void close() {
    server.close().await();
  }
}
