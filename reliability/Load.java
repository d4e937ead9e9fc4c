// The load generator of Convene's fault scenarios (issue 8): requests on a fixed schedule (an open
// model, like bench/OpenLoad.java: a stalled server does not slow the load down), and a line per
// request, so that every write Convene acknowledged can be looked for afterwards in the database
// and among the webhooks the receiver got.
//
//   RELIABILITY_API_KEY=sk_live_... java -cp target/convene.jar reliability/Load.java \
//     --urls http://127.0.0.1:8080[,http://127.0.0.1:8081] --rate 100 --duration 45 --out requests.jsonl \
//     [--mix put=70,schedule=30] [--initial 20] [--timeout-ms 20000] [--connections 32]
//     [--new-connection-share 0] [--failover] [--stop-when FILE]
//
// Operations (Platform API): schedule (POST /v1/schedule), put (PUT /v1/meetings/{id}, new times),
// slowput (the same PUT, its body sent half now and half a second later: a slow client),
// get (GET /v1/meetings/{id}), list (GET /v1/meetings?limit=20), cancel (DELETE /v1/meetings/{id}).
// Updates and reads go to meetings this run scheduled; cancels only to meetings set aside for them
// when they were scheduled, so that no update ever races a cancel (every answer but 2xx is a finding).
// --initial schedules that many meetings before the timed load. Requests go round-robin over --urls;
// with --failover a request whose connection was refused is sent once more to the next URL (it cannot
// have been processed). --new-connection-share: the fraction of requests sent on a fresh connection
// each (Connection: close), the rest over pooled keep-alive connections. --stop-when FILE ends the timed
// load early once FILE exists (a scenario whose fault takes as long as the machine makes it).
//
// stdout: "LOAD_STARTED <epoch ms>" when the timed load begins, then "LOAD_JSON {...}" (a summary).
// --out: one JSON line per request: {"i", "op", "inst" (index in --urls), "ka" (keep-alive), "sent"
// (handed to the client), "wrote" (a connection was there and the request went out; 0 when none was),
// "done" (epoch ms), "ms" (latency from "sent"), "st" (HTTP status, 0 when none), "ra" (Retry-After), "err"
// (refused, reset, closed, timeout or an exception name), "msg", "mid", "v" (the meeting's version,
// from the ETag), "start", "end" (the times the answer holds), "sent_start" (the start time sent;
// a schedule's title is "Reliability <i>"), "failover", "phase" (init or load)}.

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

public class Load {
  private static final long BASE_EPOCH = 1767600000L; // 2026-01-05T08:00:00Z
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");
  private static final ZoneOffset OFFSET = ZoneOffset.ofHours(-8);
  private static final long SLOW_UPLOAD_MS = 1000;

  /** One request and what came of it; written and read on the event loop only (then after a latch). */
  static final class Rec {
    int i;
    String op;
    String phase;
    int inst;
    boolean ka;
    long sent;
    long sentNanos;
    long wrote;
    long done;
    double ms;
    int st;
    String ra;
    String err;
    String msg;
    String mid;
    Integer v;
    String start;
    String end;
    String sentStart;
    boolean slow;
    boolean failover;

    JsonObject json() {
      JsonObject o = new JsonObject().put("i", i).put("op", op).put("phase", phase).put("inst", inst).put("ka", ka)
          .put("sent", sent).put("wrote", wrote).put("done", done).put("ms", Math.round(ms * 100) / 100.0).put("st", st);
      if (ra != null) {
        o.put("ra", ra);
      }
      if (err != null) {
        o.put("err", err).put("msg", msg);
      }
      if (mid != null) {
        o.put("mid", mid);
      }
      if (v != null) {
        o.put("v", v);
      }
      if (start != null) {
        o.put("start", start).put("end", end);
      }
      if (sentStart != null) {
        o.put("sent_start", sentStart);
      }
      if (failover) {
        o.put("failover", true);
      }
      if (slow) {
        o.put("slow", true);
      }
      return o;
    }
  }

  private final List<URI> urls;
  private final String apiKey;
  private final long timeoutMs;
  private final double newConnectionShare;
  private final boolean failover;
  private final LinkedHashMap<String, Integer> mix;
  private final int mixTotal;
  private final double toCancelQueue;
  private final Random random = new Random();
  private final List<HttpClientAgent> keepAlive = new ArrayList<>();
  private final List<HttpClientAgent> fresh = new ArrayList<>();
  // Event loop only:
  private final List<String> pool = new ArrayList<>();
  private final ArrayDeque<String> cancelQueue = new ArrayDeque<>();
  private final List<Rec> recs = new ArrayList<>();
  private int inFlight;
  private int failovers;

  private Load(List<URI> urls, String apiKey, long timeoutMs, double newConnectionShare, boolean failover,
               LinkedHashMap<String, Integer> mix) {
    this.urls = urls;
    this.apiKey = apiKey;
    this.timeoutMs = timeoutMs;
    this.newConnectionShare = newConnectionShare;
    this.failover = failover;
    this.mix = mix;
    this.mixTotal = mix.values().stream().mapToInt(Integer::intValue).sum();
    int schedule = mix.getOrDefault("schedule", 0);
    int cancel = mix.getOrDefault("cancel", 0);
    this.toCancelQueue = schedule == 0 ? 0 : Math.min(1.0, (double) cancel / schedule);
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("bad argument " + args[i]);
      }
      String name = args[i].substring(2);
      if (name.equals("failover")) {
        o.put(name, "true");
      } else {
        o.put(name, args[++i]);
      }
    }
    List<URI> urls = new ArrayList<>();
    for (String u : o.getOrDefault("urls", "http://127.0.0.1:8080").split(",")) {
      urls.add(URI.create(u.trim()));
    }
    LinkedHashMap<String, Integer> mix = new LinkedHashMap<>();
    for (String part : o.getOrDefault("mix", "put=70,schedule=30").split(",")) {
      String[] kv = part.split("=");
      if (!List.of("get", "put", "slowput", "schedule", "cancel", "list").contains(kv[0])) {
        throw new IllegalArgumentException("unknown operation in --mix: " + kv[0]);
      }
      mix.put(kv[0], Integer.parseInt(kv[1]));
    }
    String key = System.getenv("RELIABILITY_API_KEY");
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("RELIABILITY_API_KEY is not set");
    }
    double rate = Double.parseDouble(o.getOrDefault("rate", "100"));
    stopWhen = o.get("stop-when");
    double duration = Double.parseDouble(o.getOrDefault("duration", "30"));
    Load load = new Load(urls, key, Long.parseLong(o.getOrDefault("timeout-ms", "20000")),
        Double.parseDouble(o.getOrDefault("new-connection-share", "0")), Boolean.parseBoolean(o.get("failover")), mix);
    JsonObject summary = load.run(rate, duration, Integer.parseInt(o.getOrDefault("initial", "20")),
        Integer.parseInt(o.getOrDefault("connections", "32")), Path.of(o.getOrDefault("out", "requests.jsonl")));
    System.out.println("LOAD_JSON " + summary.encode());
    System.out.flush();
    System.exit(0);
  }

  /** --stop-when FILE: the timed load ends early once FILE exists (what is in flight still finishes). */
  private static String stopWhen;

  private JsonObject run(double rate, double duration, int initial, int connections, Path out) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setBlockedThreadCheckInterval(60_000));
    for (URI url : urls) {
      HttpClientOptions options = new HttpClientOptions().setDefaultHost(url.getHost()).setDefaultPort(url.getPort())
          .setConnectTimeout(5_000).setTcpNoDelay(true);
      keepAlive.add(vertx.createHttpClient(new HttpClientOptions(options).setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1)));
      fresh.add(vertx.createHttpClient(new HttpClientOptions(options).setKeepAlive(false),
          new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1)));
    }
    Context context = vertx.getOrCreateContext();

    // The meetings the updates and reads go to, scheduled one after another (8 at a time).
    CountDownLatch seeded = new CountDownLatch(1);
    int[] counter = {0};
    context.runOnContext(v -> seed(initial, counter, seeded));
    if (!seeded.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the initial meetings were not scheduled within 120 s");
    }

    int total = (int) Math.round(rate * duration);
    double intervalNanos = 1e9 / rate;
    long start = System.nanoTime() + 50_000_000L;
    System.out.println("LOAD_STARTED " + (System.currentTimeMillis() + 50));
    System.out.flush();
    int next = 0;
    int base = counter[0];
    Path stopFile = stopWhen == null ? null : Path.of(stopWhen);
    while (next < total) {
      if (stopFile != null && (next & 15) == 0 && Files.exists(stopFile)) {
        break;
      }
      long now = System.nanoTime();
      int due = (int) Math.min(total - 1, Math.floor((now - start) / intervalNanos));
      if (due >= next) {
        int from = next;
        int to = due;
        context.runOnContext(v -> {
          for (int i = from; i <= to; i++) {
            fire(base + i, "load");
          }
        });
        next = due + 1;
      }
      if (next < total) {
        long wait = start + (long) (next * intervalNanos) - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
    }
    // Let what is in flight finish (each request has its own timeout).
    long deadline = System.currentTimeMillis() + timeoutMs + 10_000;
    while (System.currentTimeMillis() < deadline) {
      CountDownLatch probe = new CountDownLatch(1);
      int[] left = new int[1];
      context.runOnContext(v -> {
        left[0] = inFlight;
        probe.countDown();
      });
      probe.await(5, TimeUnit.SECONDS);
      if (left[0] == 0) {
        break;
      }
      Thread.sleep(100);
    }
    CountDownLatch snap = new CountDownLatch(1);
    List<Rec> copy = new ArrayList<>();
    int[] stats = new int[2];
    context.runOnContext(v -> {
      copy.addAll(recs);
      stats[0] = inFlight;
      stats[1] = failovers;
      snap.countDown();
    });
    snap.await(10, TimeUnit.SECONDS);
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (Rec r : copy) {
        w.write(r.json().encode());
        w.write('\n');
      }
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    return summary(copy, stats[0], stats[1], rate, duration);
  }

  private void seed(int initial, int[] counter, CountDownLatch seeded) {
    if (initial <= 0) {
      seeded.countDown();
      return;
    }
    int[] started = {0};
    int[] finished = {0};
    Runnable[] more = new Runnable[1];
    more[0] = () -> {
      while (started[0] < initial && started[0] - finished[0] < 8) {
        started[0]++;
        send(counter[0]++, "schedule", "init", false).onComplete(r -> {
          finished[0]++;
          if (finished[0] == initial) {
            seeded.countDown();
          } else {
            more[0].run();
          }
        });
      }
    };
    more[0].run();
  }

  private void fire(int i, String phase) {
    send(i, pick(), phase, true);
  }

  private String pick() {
    int n = random.nextInt(mixTotal);
    for (Map.Entry<String, Integer> e : mix.entrySet()) {
      n -= e.getValue();
      if (n < 0) {
        return e.getKey();
      }
    }
    return "put";
  }

  private Future<Rec> send(int i, String op, String phase, boolean mayUseFresh) {
    boolean slow = op.equals("slowput");
    if (slow) {
      op = "put";
    }
    if (op.equals("cancel") && cancelQueue.isEmpty()) {
      op = "get";
    }
    if ((op.equals("put") || op.equals("get")) && pool.isEmpty()) {
      op = "schedule";
    }
    Rec rec = new Rec();
    rec.i = i;
    rec.op = op;
    rec.phase = phase;
    rec.slow = slow && op.equals("put");
    rec.inst = i % urls.size();
    rec.ka = !(mayUseFresh && random.nextDouble() < newConnectionShare);
    RequestOptions request = new RequestOptions().setTimeout(timeoutMs).putHeader("X-API-Key", apiKey);
    Buffer body = null;
    switch (op) {
      case "schedule" -> {
        long s = randomStart();
        request.setMethod(HttpMethod.POST).setURI("/v1/schedule");
        rec.sentStart = rfc3339(s);
        body = Buffer.buffer("{\"attendees\":[\"alice@example.com\",\"bob@example.com\"],\"start_time\":\""
            + rfc3339(s) + "\",\"duration_minutes\":30,\"title\":\"Reliability " + i + "\"}");
      }
      case "put" -> {
        long s = randomStart();
        rec.mid = pool.get(random.nextInt(pool.size()));
        rec.sentStart = rfc3339(s);
        request.setMethod(HttpMethod.PUT).setURI("/v1/meetings/" + rec.mid);
        body = Buffer.buffer("{\"start_time\":\"" + rfc3339(s) + "\",\"end_time\":\"" + rfc3339(s + 1800)
            + "\",\"attendees\":[\"alice@example.com\",\"bob@example.com\"],\"reason\":\"Rescheduled due to conflict\"}");
      }
      case "get" -> {
        rec.mid = pool.get(random.nextInt(pool.size()));
        request.setMethod(HttpMethod.GET).setURI("/v1/meetings/" + rec.mid);
      }
      case "cancel" -> {
        rec.mid = cancelQueue.poll();
        request.setMethod(HttpMethod.DELETE).setURI("/v1/meetings/" + rec.mid);
      }
      default -> request.setMethod(HttpMethod.GET).setURI("/v1/meetings?limit=20");
    }
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    recs.add(rec);
    inFlight++;
    rec.sent = System.currentTimeMillis();
    rec.sentNanos = System.nanoTime();
    return attempt(rec, request, body, false).map(rec);
  }

  private Future<Void> attempt(Rec rec, RequestOptions request, Buffer body, boolean again) {
    HttpClientAgent client = (rec.ka ? keepAlive : fresh).get(rec.inst);
    return client.request(request)
        .compose(req -> {
          rec.wrote = System.currentTimeMillis();
          if (rec.slow) {
            return slowUpload(req, body);
          }
          return body == null ? req.send() : req.send(body);
        })
        .compose(resp -> resp.body().map(b -> {
          answered(rec, resp, b);
          return (Void) null;
        }))
        .recover(e -> {
          String kind = classify(e);
          if (failover && !again && kind.equals("refused") && urls.size() > 1) {
            failovers++;
            rec.failover = true;
            rec.inst = (rec.inst + 1) % urls.size();
            return attempt(rec, request, body, true);
          }
          rec.err = kind;
          rec.msg = String.valueOf(e.getMessage());
          if (rec.msg.length() > 160) {
            rec.msg = rec.msg.substring(0, 160);
          }
          return Future.succeededFuture();
        })
        .onComplete(done -> {
          if (!again) {
            rec.done = System.currentTimeMillis();
            rec.ms = (System.nanoTime() - rec.sentNanos) / 1e6;
            inFlight--;
          }
        });
  }

  /** Half the body now, the rest a second later: a slow client whose request is in flight that long. */
  private static Future<HttpClientResponse> slowUpload(HttpClientRequest req, Buffer body) {
    int half = body.length() / 2;
    req.putHeader("Content-Length", String.valueOf(body.length()));
    req.write(body.getBuffer(0, half));
    Vertx.currentContext().owner().setTimer(SLOW_UPLOAD_MS, t -> req.end(body.getBuffer(half, body.length())));
    return req.response();
  }

  private void answered(Rec rec, HttpClientResponse resp, Buffer b) {
    rec.st = resp.statusCode();
    rec.ra = resp.getHeader("Retry-After");
    if (rec.st < 200 || rec.st >= 300) {
      return;
    }
    rec.v = version(resp.getHeader("ETag"));
    if (rec.op.equals("schedule") || rec.op.equals("put")) {
      try {
        JsonObject json = b.toJsonObject();
        rec.mid = json.getString("meeting_id", rec.mid);
        rec.start = json.getString("start_time");
        rec.end = json.getString("end_time");
      } catch (RuntimeException e) {
        rec.err = "unreadable_body";
        rec.msg = b.toString().substring(0, Math.min(160, b.length()));
        return;
      }
    }
    if (rec.op.equals("schedule") && rec.mid != null) {
      if (rec.phase.equals("load") && random.nextDouble() < toCancelQueue) {
        cancelQueue.add(rec.mid);
      } else {
        pool.add(rec.mid);
      }
    }
  }

  /** Convene's ETag is "<meeting id>.<version>". */
  private static Integer version(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.replace("\"", "").replace("W/", "");
    int dot = e.lastIndexOf('.');
    try {
      return dot < 0 ? null : Integer.parseInt(e.substring(dot + 1));
    } catch (NumberFormatException ex) {
      return null;
    }
  }

  static String classify(Throwable e) {
    String m = String.valueOf(e.getMessage()).toLowerCase();
    if (e instanceof java.net.ConnectException || m.contains("connection refused")) {
      return "refused";
    }
    if (m.contains("reset")) {
      return "reset";
    }
    if (e instanceof io.vertx.core.http.HttpClosedException || m.contains("closed")) {
      return "closed";
    }
    if (e instanceof java.util.concurrent.TimeoutException || m.contains("timeout") || m.contains("timed out")) {
      return "timeout";
    }
    return e.getClass().getSimpleName();
  }

  private JsonObject summary(List<Rec> all, int unfinished, int failovers, double rate, double duration) {
    Map<String, Integer> byOutcome = new TreeMap<>();
    int ackedWrites = 0;
    for (Rec r : all) {
      String outcome = r.err != null ? r.err : String.valueOf(r.st);
      byOutcome.merge(r.op + " " + outcome, 1, Integer::sum);
      if (r.err == null && r.st >= 200 && r.st < 300 && !r.op.equals("get") && !r.op.equals("list")) {
        ackedWrites++;
      }
    }
    return new JsonObject().put("requests", all.size()).put("rate", rate).put("duration_s", duration)
        .put("acknowledged_writes", ackedWrites).put("unfinished", unfinished).put("failovers", failovers)
        .put("outcomes", new JsonObject(new LinkedHashMap<String, Object>(byOutcome)));
  }

  private long randomStart() {
    return BASE_EPOCH + random.nextInt(500_001) * 60L;
  }

  private static String rfc3339(long epochSecond) {
    return RFC3339.format(Instant.ofEpochSecond(epochSecond).atOffset(OFFSET));
  }
}
