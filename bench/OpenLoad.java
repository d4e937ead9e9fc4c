// Open-model load generator for Convene's benchmark (issue 7): requests are fired on a fixed
// schedule whatever the responses do, and each latency is measured from the request's *intended*
// send time, so a stalled server shows up in the percentiles instead of slowing the load down
// (no coordinated omission).
//
// Single-file program on Vert.x from Convene's fat jar:
//   java -cp target/convene.jar bench/OpenLoad.java --url http://127.0.0.1:8080 --kind put \
//        --rate 1000 --duration 30 [--warmup 3] [--connections 64] [--timeout-ms 10000]
// Kinds: health, get, put, schedule, availability, slots (the same requests as bench/wrk/*.lua). The API key
// and the seeded ids come from BENCH_API_KEY, BENCH_ID_PREFIX, BENCH_MEETINGS, BENCH_ID_DIGITS; the
// availability body from BENCH_AVAILABILITY_BODY; the public slots path (sent without credential) from
// BENCH_SLOTS_PATH.
// Prints one line "OPENLOAD_JSON {...}" on stdout (latencies in ms) and a summary on stderr.

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

public class OpenLoad {
  private static final long BASE_EPOCH = 1767600000L; // 2026-01-05T08:00:00Z, as in bench/wrk/common.lua
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");
  private static final ZoneOffset SEED_OFFSET = ZoneOffset.ofHours(-8);
  private static final long NOT_DONE = Long.MIN_VALUE;

  private final String kind;
  private final String apiKey;
  private final String idFormat;
  private final int meetings;

  private OpenLoad(String kind, String apiKey, String prefix, int digits, int meetings) {
    this.kind = kind;
    this.apiKey = apiKey;
    this.idFormat = prefix + "%0" + digits + "d";
    this.meetings = meetings;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    URI url = URI.create(o.getOrDefault("url", "http://127.0.0.1:8080"));
    String kind = o.getOrDefault("kind", "put");
    double rate = Double.parseDouble(require(o, "rate"));
    double duration = Double.parseDouble(require(o, "duration"));
    double warmup = Double.parseDouble(o.getOrDefault("warmup", "0"));
    int connections = Integer.parseInt(o.getOrDefault("connections", "64"));
    long timeoutMs = Long.parseLong(o.getOrDefault("timeout-ms", "10000"));
    if (!Arrays.asList("health", "get", "put", "schedule", "availability", "slots").contains(kind)) {
      throw new IllegalArgumentException("--kind must be health, get, put, schedule, availability or slots");
    }
    if (rate <= 0 || duration <= 0 || warmup < 0) {
      throw new IllegalArgumentException("--rate and --duration must be positive, --warmup not negative");
    }
    long total = Math.round((warmup + duration) * rate);
    if (total > 20_000_000L) {
      throw new IllegalArgumentException("rate x time is " + total + " requests; at most 20,000,000");
    }
    OpenLoad load = new OpenLoad(kind, System.getenv("BENCH_API_KEY"),
        envOr("BENCH_ID_PREFIX", "meet_bench"), Integer.parseInt(envOr("BENCH_ID_DIGITS", "11")),
        Integer.parseInt(envOr("BENCH_MEETINGS", "10000")));
    JsonObject result = load.run(url, rate, duration, warmup, connections, timeoutMs, (int) total);
    System.out.println("OPENLOAD_JSON " + result.encode());
    System.exit(0);
  }

  private JsonObject run(URI url, double rate, double duration, double warmup, int connections, long timeoutMs,
                         int total) throws InterruptedException {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setBlockedThreadCheckInterval(60_000));
    HttpClientAgent client = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost(url.getHost()).setDefaultPort(url.getPort())
            .setKeepAlive(true).setPipelining(false).setConnectTimeout(5_000).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    Context context = vertx.getOrCreateContext();

    // Written only on the event loop; read after the latch, which orders the writes before the reads.
    long[] latency = new long[total];
    long[] sendLag = new long[total];
    int[] status = new int[total];
    Arrays.fill(latency, NOT_DONE);
    AtomicInteger finished = new AtomicInteger();
    Map<String, Integer> failures = new TreeMap<>();
    long[] maxSendLag = new long[1];
    CountDownLatch allDone = new CountDownLatch(1);

    double intervalNanos = 1e9 / rate;
    long start = System.nanoTime() + 200_000_000L;
    long wallStart = System.currentTimeMillis() + 200;
    int next = 0;
    while (next < total) {
      long now = System.nanoTime();
      int due = (int) Math.min(total - 1, Math.floor((now - start) / intervalNanos));
      if (due >= next) {
        int from = next;
        int to = due;
        context.runOnContext(v -> {
          for (int i = from; i <= to; i++) {
            long intended = start + (long) (i * intervalNanos);
            sendLag[i] = System.nanoTime() - intended;
            maxSendLag[0] = Math.max(maxSendLag[0], sendLag[i]);
            fire(client, i, intended, timeoutMs, latency, status, failures, finished, total, allDone);
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
    long scheduleEnd = System.nanoTime();
    boolean drained = allDone.await(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
    long drainEnd = System.nanoTime();

    // Snapshot on the event loop, so the arrays are read in the thread that wrote them.
    CountDownLatch snap = new CountDownLatch(1);
    long[][] copy = new long[1][];
    long[][] lagCopy = new long[1][];
    int[][] statusCopy = new int[1][];
    Map<String, Integer> failureCopy = new TreeMap<>();
    long[] lag = new long[1];
    context.runOnContext(v -> {
      copy[0] = latency.clone();
      lagCopy[0] = sendLag.clone();
      statusCopy[0] = status.clone();
      failureCopy.putAll(failures);
      lag[0] = maxSendLag[0];
      snap.countDown();
    });
    snap.await(10, TimeUnit.SECONDS);
    client.close();
    vertx.close();

    int first = (int) Math.min(total, Math.round(warmup * rate));
    int n = total - first;
    long[] measured = new long[n];
    long[] service = new long[n];
    int late = 0;
    int ok = 0;
    int unfinished = 0;
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = first; i < total; i++) {
      long l = copy[0][i];
      if (l == NOT_DONE) {
        // Never answered: at least as slow as the time it was left waiting.
        unfinished++;
        l = drainEnd - (start + (long) (i * intervalNanos));
      } else if (statusCopy[0][i] >= 200 && statusCopy[0][i] < 300) {
        ok++;
      }
      if (statusCopy[0][i] != 0) {
        statuses.merge(statusCopy[0][i], 1, Integer::sum);
      }
      measured[i - first] = l;
      // From when the request was actually handed to the client: what the server (and the client's
      // connection queue) took, without the generator's own lateness.
      service[i - first] = l - lagCopy[0][i];
      if (lagCopy[0][i] > 5_000_000L) {
        late++;
      }
    }
    Arrays.sort(measured);
    Arrays.sort(service);
    int errors = n - ok;
    JsonObject out = new JsonObject()
        .put("kind", kind)
        .put("rate", rate)
        .put("duration_s", duration)
        .put("warmup_s", warmup)
        .put("connections", connections)
        .put("requests", n)
        .put("ok", ok)
        .put("errors", errors)
        .put("unfinished", unfinished)
        .put("drained", drained)
        .put("statuses", new JsonObject(new HashMap<>(stringKeys(statuses))))
        .put("failures", new JsonObject(new HashMap<String, Object>(failureCopy)))
        .put("achieved_ok_per_s", ok / duration)
        .put("max_send_lag_ms", lag[0] / 1e6)
        .put("sent_late_over_5ms", late)
        .put("from_send_p50_ms", pct(service, 50))
        .put("from_send_p99_ms", pct(service, 99))
        .put("p50_ms", pct(measured, 50))
        .put("p90_ms", pct(measured, 90))
        .put("p99_ms", pct(measured, 99))
        .put("p999_ms", pct(measured, 99.9))
        .put("max_ms", n == 0 ? null : measured[n - 1] / 1e6)
        .put("started_at_ms", wallStart)
        .put("schedule_s", (scheduleEnd - start) / 1e9);
    System.err.printf("open load %s at %.0f/s for %.0f s: %d requests, %d errors; p50 %.2f ms, p90 %.2f ms,"
            + " p99 %.2f ms, p99.9 %.2f ms, max %.2f ms; %d sent more than 5 ms late (from the actual send:"
            + " p50 %.2f ms, p99 %.2f ms)%n", kind, rate, duration, n, errors,
        out.getDouble("p50_ms"), out.getDouble("p90_ms"), out.getDouble("p99_ms"), out.getDouble("p999_ms"),
        out.getDouble("max_ms"), late, out.getDouble("from_send_p50_ms"), out.getDouble("from_send_p99_ms"));
    return out;
  }

  private void fire(HttpClientAgent client, int i, long intended, long timeoutMs, long[] latency, int[] status,
                    Map<String, Integer> failures, AtomicInteger finished, int total, CountDownLatch allDone) {
    RequestOptions request = new RequestOptions().setTimeout(timeoutMs);
    Buffer body = null;
    switch (kind) {
      case "health" -> request.setMethod(HttpMethod.GET).setURI("/health");
      case "get" -> request.setMethod(HttpMethod.GET).setURI(randomMeetingPath());
      case "put" -> {
        long s = randomStart();
        request.setMethod(HttpMethod.PUT).setURI(randomMeetingPath());
        body = Buffer.buffer("{\"start_time\":\"" + rfc3339(s) + "\",\"end_time\":\"" + rfc3339(s + 1800)
            + "\",\"attendees\":[\"alice@example.com\",\"bob@example.com\"],\"reason\":\"Rescheduled due to conflict\"}");
      }
      case "availability" -> {
        request.setMethod(HttpMethod.POST).setURI("/v1/availability");
        body = Buffer.buffer(System.getenv("BENCH_AVAILABILITY_BODY"));
      }
      case "slots" -> request.setMethod(HttpMethod.GET).setURI(System.getenv("BENCH_SLOTS_PATH"));
      default -> {
        request.setMethod(HttpMethod.POST).setURI("/v1/schedule");
        body = Buffer.buffer("{\"attendees\":[\"alice@example.com\",\"bob@example.com\"],\"start_time\":\""
            + rfc3339(randomStart()) + "\",\"duration_minutes\":30,\"title\":\"Bench meeting\"}");
      }
    }
    if (!kind.equals("health") && !kind.equals("slots") && apiKey != null) {
      request.putHeader("X-API-Key", apiKey);
    }
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
    }
    Buffer payload = body;
    client.request(request)
        .compose(req -> payload == null ? req.send() : req.send(payload))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(result -> {
          latency[i] = System.nanoTime() - intended;
          if (result.succeeded()) {
            status[i] = result.result();
          } else {
            failures.merge(result.cause().getClass().getSimpleName(), 1, Integer::sum);
          }
          if (finished.incrementAndGet() == total) {
            allDone.countDown();
          }
        });
  }

  private String randomMeetingPath() {
    return "/v1/meetings/" + String.format(idFormat, ThreadLocalRandom.current().nextInt(1, meetings + 1));
  }

  private static long randomStart() {
    return BASE_EPOCH + ThreadLocalRandom.current().nextInt(0, 500_001) * 60L;
  }

  private static String rfc3339(long epochSecond) {
    return RFC3339.format(Instant.ofEpochSecond(epochSecond).atOffset(SEED_OFFSET));
  }

  private static Double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return null;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private static Map<String, Object> stringKeys(Map<Integer, Integer> in) {
    Map<String, Object> out = new TreeMap<>();
    in.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("options are --name value pairs; bad: " + args[i]);
      }
      o.put(args[i].substring(2), args[++i]);
    }
    return o;
  }

  private static String require(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
