// A fast local webhook receiver for Convene's benchmark (issue 7). It answers every delivery at
// once with 200 and records, per delivery, the time from the change to its receipt: the event's
// data.updated_at (or data.scheduled_at / cancelled_at, else the envelope's timestamp) is taken in
// the transaction that commits the change, so receipt - updated_at is commit-to-receipt plus the
// rest of that transaction (a fraction of a millisecond). Same machine, same clock.
//
//   java -cp target/convene.jar bench/WebhookReceiver.java [--port 0]
// Prints "RECEIVER_PORT <port>" once listening on 127.0.0.1. Endpoints:
//   POST /hook                   a delivery
//   POST /reset?since_ms=<epoch> forget everything; count only events changed at or after since_ms
//   GET  /stats                  {"deliveries","counted","distinct_ids","first_ms","last_ms",
//                                 "per_s","p50_ms","p90_ms","p99_ms","max_ms","types":{...}}

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;

public class WebhookReceiver {
  // Every field is used on the server's one event loop only.
  private long[] latencyMicros = new long[1 << 16];
  private int counted;
  private long deliveries;
  private long firstMicros;
  private long lastMicros;
  private long sinceMicros;
  private final Set<String> ids = new HashSet<>();
  private final TreeMap<String, Integer> types = new TreeMap<>();

  public static void main(String[] args) {
    int port = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (args[i].equals("--port")) {
        port = Integer.parseInt(args[i + 1]);
      }
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(60_000));
    WebhookReceiver receiver = new WebhookReceiver();
    vertx.createHttpServer()
        .requestHandler(receiver::handle)
        .listen(port, "127.0.0.1")
        .onSuccess(server -> System.out.println("RECEIVER_PORT " + server.actualPort()))
        .onFailure(e -> {
          System.err.println("receiver: cannot listen: " + e.getMessage());
          System.exit(1);
        });
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/hook")) {
      req.body().onSuccess(body -> {
        long now = nowMicros();
        deliveries++;
        try {
          JsonObject envelope = body.toJsonObject();
          JsonObject data = envelope.getJsonObject("data", new JsonObject());
          String changedAt = firstOf(data.getString("updated_at"), data.getString("scheduled_at"),
              data.getString("cancelled_at"), envelope.getString("timestamp"));
          long changed = changedAt == null ? now : micros(OffsetDateTime.parse(changedAt).toInstant());
          if (changed >= sinceMicros) {
            record(now, now - changed);
            String id = req.getHeader("webhook-id");
            ids.add(id != null ? id : envelope.getString("id", ""));
            types.merge(envelope.getString("event_type", envelope.getString("type", "?")), 1, Integer::sum);
          }
        } catch (RuntimeException e) {
          types.merge("unreadable", 1, Integer::sum);
        }
        req.response().setStatusCode(200).end();
      });
    } else if (path.equals("/reset")) {
      String since = req.getParam("since_ms");
      latencyMicros = new long[1 << 16];
      counted = 0;
      deliveries = 0;
      firstMicros = 0;
      lastMicros = 0;
      ids.clear();
      types.clear();
      sinceMicros = since == null ? 0 : Long.parseLong(since) * 1000;
      req.response().end("{}");
    } else if (path.equals("/stats")) {
      req.response().putHeader("Content-Type", "application/json").end(stats().encode());
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private void record(long now, long latency) {
    if (counted == latencyMicros.length) {
      latencyMicros = Arrays.copyOf(latencyMicros, counted * 2);
    }
    latencyMicros[counted++] = latency;
    if (firstMicros == 0) {
      firstMicros = now;
    }
    lastMicros = now;
  }

  private JsonObject stats() {
    long[] sorted = Arrays.copyOf(latencyMicros, counted);
    Arrays.sort(sorted);
    double spanS = (lastMicros - firstMicros) / 1e6;
    return new JsonObject()
        .put("deliveries", deliveries)
        .put("counted", counted)
        .put("distinct_ids", ids.size())
        .put("first_ms", firstMicros / 1000)
        .put("last_ms", lastMicros / 1000)
        .put("per_s", counted > 1 && spanS > 0 ? (counted - 1) / spanS : null)
        .put("p50_ms", pct(sorted, 50))
        .put("p90_ms", pct(sorted, 90))
        .put("p99_ms", pct(sorted, 99))
        .put("max_ms", counted == 0 ? null : sorted[counted - 1] / 1000.0)
        .put("types", new JsonObject(new TreeMap<String, Object>(types)));
  }

  private static Double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return null;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
  }

  private static String firstOf(String... values) {
    for (String v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static long nowMicros() {
    return micros(Instant.now());
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
  }
}
