// The client side of the crash-idempotent scenario: a burst of POST /v1/schedule, each with its own
// Idempotency-Key, during which Convene is killed; then, after a restart, every request of the burst
// sent again with its key, as a client that never got (or lost) its answer would, until it gets one.
//
//   RELIABILITY_API_KEY=sk_live_... java -cp target/convene.jar reliability/Burst.java send \
//     --url http://127.0.0.1:8080 --requests 2000 --connections 32 --run RUN --out sent.jsonl
//   RELIABILITY_API_KEY=... java -cp target/convene.jar reliability/Burst.java retry \
//     --url ... --requests 2000 --run RUN --give-up-s 150 --out retried.jsonl
//
// Request i has the key "<RUN>-<i>" and the title "Crash <RUN> <i>" (the body is the same on every try).
// A retry is sent again after 1 s while the answer is 409 (the key is still claimed) or no answer came;
// any other answer is final. stdout: "BURST_STARTED <epoch ms>", then "BURST_JSON {...}".
// --out: one line per request (send) or per key (retry): {"i", "key", "st", "mid", "replayed", "err",
// "sent", "done", "tries"}.

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class Burst {
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    boolean retry = args[0].equals("retry");
    Vertx vertx = Vertx.vertx();
    java.net.URI url = java.net.URI.create(o.get("url"));
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(url.getHost())
        .setDefaultPort(url.getPort()), new PoolOptions().setHttp1MaxSize(Integer.parseInt(o.getOrDefault("connections", "32"))));
    int n = Integer.parseInt(o.get("requests"));
    String run = o.get("run");
    long giveUpAt = System.currentTimeMillis() + Long.parseLong(o.getOrDefault("give-up-s", "150")) * 1000;
    Map<String, Integer> outcomes = new LinkedHashMap<>();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(o.get("out"))), true)) {
      System.out.println("BURST_STARTED " + System.currentTimeMillis());
      List<Future<JsonObject>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Promise<JsonObject> line = Promise.promise();
        vertx.runOnContext(v -> send(vertx, client, run, index, retry, giveUpAt, 1, line));
        all.add(line.future().onSuccess(j -> {
          synchronized (out) {
            out.println(j.encode());
            outcomes.merge(j.getString("err") != null ? "no answer" : String.valueOf(j.getInteger("st")), 1, Integer::sum);
          }
        }));
      }
      Future.join(all).await();
    }
    System.out.println("BURST_JSON " + new JsonObject().put("requests", n).put("outcomes", new JsonObject(new LinkedHashMap<>(outcomes))));
    vertx.close().await();
  }

  private static void send(Vertx vertx, HttpClientAgent client, String run, int i, boolean retry, long giveUpAt, int tries,
                           Promise<JsonObject> line) {
    String key = run + "-" + i;
    Buffer body = new JsonObject().put("attendees", new JsonArray().add("crash" + i + "@example.com"))
        .put("start_time", "2025-11-25T14:00:00-08:00").put("duration_minutes", 30).put("title", "Crash " + run + " " + i)
        .toBuffer();
    long sent = System.currentTimeMillis();
    JsonObject j = new JsonObject().put("i", i).put("key", key).put("sent", sent).put("tries", tries);
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/schedule").setTimeout(20_000)
            .putHeader("Authorization", "Bearer " + System.getenv("RELIABILITY_API_KEY"))
            .putHeader("Content-Type", "application/json").putHeader("Idempotency-Key", key))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> {
          j.put("st", resp.statusCode()).put("replayed", "true".equals(resp.getHeader("Idempotent-Replayed")));
          try {
            j.put("mid", b.toJsonObject().getString("meeting_id"));
          } catch (RuntimeException e) {
            j.put("body", b.toString());
          }
          return j;
        }))
        .onComplete(ar -> {
          j.put("done", System.currentTimeMillis());
          if (ar.failed()) {
            j.put("err", String.valueOf(ar.cause().getMessage()));
          }
          boolean again = retry && (ar.failed() || j.getInteger("st") == 409) && System.currentTimeMillis() < giveUpAt;
          if (again) {
            vertx.setTimer(1000, t -> send(vertx, client, run, i, true, giveUpAt, tries + 1, line));
          } else {
            line.complete(j);
          }
        });
  }
}
