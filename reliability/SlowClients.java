// Slow and greedy clients for the slow-clients scenario: connections that send their request head a
// byte at a time, connections that send a whole head and then their body a byte at a time (reconnecting
// when the server closes them, until the end), and a burst of connections from one address that send
// nothing at all.
//
//   java -cp target/convene.jar reliability/SlowClients.java --port 8080 --duration 40 --out slow.jsonl \
//     [--addresses 127.0.0.2,127.0.0.3,127.0.0.4] [--per-address 100] [--every-ms 500]
//     [--greedy-address 127.0.0.9] [--greedy 300]
//
// stdout: "SLOW_STARTED <epoch ms>", then "SLOW_JSON {...}" (a summary) when done.
// --out: one JSON line per connection: {"kind" (head, body, idle), "addr", "opened" (connected), "head_done" (the head
// was all sent; body kind), "closed" (epoch ms), "by" (server, or client at the end of the run), "sent"
// (bytes), "status" (of an answer the server sent, 0 when none), "got" (bytes received)}.

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

public class SlowClients {
  private static final String HEAD = "GET /v1/meetings HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
      + "s".repeat(200) + "\r\n\r\n";
  private static final int BODY_BYTES = 200;
  private static final String BODY_HEAD = "POST /v1/schedule HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      + "Content-Type: application/json\r\nContent-Length: " + BODY_BYTES + "\r\n\r\n";

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, NetClient> clients = new HashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private int port;
  private long everyMs;
  private long endAt;
  private PrintWriter out;
  private int open;
  private final CountDownLatch done = new CountDownLatch(1);

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    new SlowClients().run(o);
  }

  private void run(Map<String, String> o) throws Exception {
    port = Integer.parseInt(o.get("port"));
    everyMs = Long.parseLong(o.getOrDefault("every-ms", "500"));
    long duration = Long.parseLong(o.getOrDefault("duration", "40")) * 1000;
    int perAddress = Integer.parseInt(o.getOrDefault("per-address", "100"));
    int greedy = Integer.parseInt(o.getOrDefault("greedy", "300"));
    out = new PrintWriter(Files.newBufferedWriter(Path.of(o.getOrDefault("out", "slow.jsonl"))), true);
    long start = System.currentTimeMillis();
    endAt = start + duration;
    System.out.println("SLOW_STARTED " + start);
    vertx.runOnContext(v -> {
      for (String addr : o.getOrDefault("addresses", "127.0.0.2,127.0.0.3,127.0.0.4").split(",")) {
        for (int i = 0; i < perAddress; i++) {
          connect(i % 2 == 0 ? "head" : "body", addr);
        }
      }
      for (int i = 0; i < greedy; i++) {
        connect("idle", o.getOrDefault("greedy-address", "127.0.0.9"));
      }
      // On the same context as every connection: the counters need no locks.
      vertx.setTimer(duration, t -> {
        endAt = 0;
        if (open == 0) {
          done.countDown();
        }
      });
    });
    done.await();
    out.close();
    System.out.println("SLOW_JSON " + new JsonObject().put("connections", new JsonObject(new LinkedHashMap<>(counts))));
    vertx.close().await();
  }

  private NetClient client(String addr) {
    return clients.computeIfAbsent(addr, a -> vertx.createNetClient(new NetClientOptions().setLocalAddress(a)));
  }

  private void connect(String kind, String addr) {
    long asked = System.currentTimeMillis();
    open++;
    client(addr).connect(port, "127.0.0.1").onComplete(ar -> {
      // From the moment the connection is there, as the server counts (connecting may queue on a busy machine).
      long opened = System.currentTimeMillis();
      if (ar.failed()) {
        out.println(new JsonObject().put("kind", kind).put("addr", addr).put("opened", asked)
            .put("closed", System.currentTimeMillis()).put("by", "refused").put("sent", 0).put("status", 0).put("got", 0));
        counts.merge(kind + " connect failed", 1, Integer::sum);
        closed(kind, addr);
        return;
      }
      new Slow(kind, addr, opened, ar.result()).start();
    });
  }

  private void closed(String kind, String addr) {
    open--;
    if (System.currentTimeMillis() < endAt && !kind.equals("idle")) {
      connect(kind, addr);
    } else if (endAt == 0 && open == 0) {
      done.countDown();
    }
  }

  /** One connection: sends its bytes on a timer, notes what came back and when it closed. */
  private final class Slow {
    final String kind;
    final String addr;
    final long opened;
    final NetSocket socket;
    final String text;
    int sent;
    long headDone;
    final StringBuilder got = new StringBuilder();
    long timer = -1;
    boolean byClient;

    Slow(String kind, String addr, long opened, NetSocket socket) {
      this.kind = kind;
      this.addr = addr;
      this.opened = opened;
      this.socket = socket;
      this.text = kind.equals("head") ? HEAD : kind.equals("body") ? BODY_HEAD + "{".repeat(BODY_BYTES) : "";
    }

    void start() {
      socket.handler(b -> got.append(b.toString(StandardCharsets.ISO_8859_1)));
      socket.closeHandler(v -> finish());
      if (kind.equals("body")) {
        send(BODY_HEAD.length());
        headDone = System.currentTimeMillis();
      }
      timer = vertx.setPeriodic(everyMs, t -> {
        if (endAt == 0) {
          byClient = true;
          socket.close();
        } else if (!kind.equals("idle") && sent < text.length()) {
          send(1);
        }
      });
    }

    void send(int n) {
      socket.write(Buffer.buffer(text.substring(sent, sent + n).getBytes(StandardCharsets.ISO_8859_1)));
      sent += n;
    }

    void finish() {
      vertx.cancelTimer(timer);
      String answer = got.toString();
      int status = answer.startsWith("HTTP/1.1 ") && answer.length() >= 12 ? Integer.parseInt(answer.substring(9, 12)) : 0;
      out.println(new JsonObject().put("kind", kind).put("addr", addr).put("opened", opened)
          .put("head_done", headDone == 0 ? null : headDone).put("closed", System.currentTimeMillis())
          .put("by", byClient ? "client" : "server").put("sent", sent).put("status", status).put("got", answer.length()));
      counts.merge(kind + " closed by " + (byClient ? "client" : "server") + (status > 0 ? " after " + status : ""), 1,
          Integer::sum);
      closed(kind, addr);
    }
  }
}
