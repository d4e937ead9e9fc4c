// The webhook receiver of Convene's fault scenarios (issue 8). Unlike bench/WebhookReceiver.java it
// keeps a line per receipt, so that a run can check every event against what the database holds:
// which webhook-id came how often, with which body, whether its Standard Webhooks signature
// verifies, and what the receiver answered.
//
//   java -cp target/convene.jar reliability/Receiver.java --log FILE [--port 0] [--secret-file FILE]
//        [--status 200] [--delay-ms 0]
//
// Prints "RECEIVER_PORT <port>" once listening on 127.0.0.1. Endpoints:
//   POST /hook                 a delivery: answered with the current status after --delay-ms
//   POST /control?status=503   answer every later delivery with that status (200 again: back to normal)
//   GET  /stats                {"receipts", "answered_2xx", "distinct_2xx", "status"}
//
// Each receipt is one JSON line appended to --log, written (and flushed to the kernel) before the
// answer goes out, so every 2xx Convene saw is in the log even if this process is killed right after:
//   {"arrived", "t" (epoch ms of the answer), "id" (webhook-id), "eid" (envelope id), "ts"
//    (webhook-timestamp), "sig" (true/false; null while no secret is known), "h" (SHA-256 of the body,
//    16 hex digits), "type", "mid", "seq", "st" (the status answered), "closed" (the connection was
//    gone before the answer, so Convene did not see it)}
// The signature check follows the specification (standardwebhooks.com) with javax.crypto alone:
// HMAC-SHA256 keyed with the base64 after "whsec_" over "<id>.<timestamp>.<body>", one of the
// space-separated "v1,<base64>" entries must match, the timestamp within five minutes.

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

public class Receiver {
  private final FileOutputStream log;
  private final Path secretFile;
  private final long delayMs;
  // Used on the server's one event loop only.
  private int status;
  private String secret;
  private long receipts;
  private long answered2xx;
  private final Set<String> distinct2xx = new HashSet<>();

  private Receiver(FileOutputStream log, Path secretFile, int status, long delayMs) {
    this.log = log;
    this.secretFile = secretFile;
    this.status = status;
    this.delayMs = delayMs;
  }

  public static void main(String[] args) throws IOException {
    int port = 0;
    String logPath = null;
    String secretPath = null;
    int status = 200;
    long delay = 0;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--log" -> logPath = args[i + 1];
        case "--secret-file" -> secretPath = args[i + 1];
        case "--status" -> status = Integer.parseInt(args[i + 1]);
        case "--delay-ms" -> delay = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (logPath == null) {
      throw new IllegalArgumentException("--log FILE is required");
    }
    Receiver receiver = new Receiver(new FileOutputStream(logPath, true),
        secretPath == null ? null : Path.of(secretPath), status, delay);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(60_000));
    vertx.createHttpServer()
        .requestHandler(receiver::handle)
        .listen(port, "127.0.0.1")
        .onSuccess(server -> System.out.println("RECEIVER_PORT " + server.actualPort()))
        .onFailure(e -> {
          System.err.println("receiver: cannot listen on " + "127.0.0.1: " + e.getMessage());
          System.exit(1);
        });
  }

  private void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/hook" -> req.body().onSuccess(body -> receive(req, body));
      case "/control" -> {
        status = Integer.parseInt(req.getParam("status"));
        req.response().end(new JsonObject().put("status", status).encode());
      }
      case "/stats" -> req.response().putHeader("Content-Type", "application/json").end(new JsonObject()
          .put("receipts", receipts).put("answered_2xx", answered2xx).put("distinct_2xx", distinct2xx.size())
          .put("status", status).encode());
      default -> req.response().setStatusCode(404).end();
    }
  }

  private void receive(HttpServerRequest req, Buffer body) {
    long arrived = System.currentTimeMillis();
    int answer = status;
    JsonObject line = new JsonObject().put("arrived", arrived);
    String id = req.getHeader("webhook-id");
    String timestamp = req.getHeader("webhook-timestamp");
    line.put("id", id).put("ts", timestamp).put("sig", verifies(id, timestamp, req.getHeader("webhook-signature"), body))
        .put("h", sha256(body.getBytes()));
    try {
      JsonObject envelope = body.toJsonObject();
      JsonObject data = envelope.getJsonObject("data", new JsonObject());
      line.put("eid", envelope.getString("id")).put("type", envelope.getString("event_type"))
          .put("mid", data.getString("meeting_id")).put("seq", data.getValue("sequence"));
    } catch (RuntimeException e) {
      line.put("type", "unreadable");
    }
    Runnable respond = () -> {
      boolean closed = req.connection() == null || req.response().closed();
      line.put("t", System.currentTimeMillis()).put("st", answer).put("closed", closed);
      write(line);
      receipts++;
      if (answer >= 200 && answer < 300) {
        answered2xx++;
        if (id != null) {
          distinct2xx.add(id);
        }
      }
      if (!closed) {
        req.response().setStatusCode(answer).end();
      }
    };
    if (delayMs > 0) {
      Vertx.currentContext().owner().setTimer(delayMs, t -> respond.run());
    } else {
      respond.run();
    }
  }

  private void write(JsonObject line) {
    try {
      log.write((line.encode() + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Boolean verifies(String id, String timestamp, String signatures, Buffer body) {
    if (secret == null && secretFile != null && Files.exists(secretFile)) {
      try {
        String s = Files.readString(secretFile).trim();
        secret = s.isEmpty() ? null : s;
      } catch (IOException e) {
        secret = null;
      }
    }
    if (secret == null) {
      return null;
    }
    if (id == null || timestamp == null || signatures == null || !secret.startsWith("whsec_")) {
      return false;
    }
    try {
      if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
        return false;
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
      byte[] expected = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes())))
          .getBytes(StandardCharsets.US_ASCII);
      for (String candidate : signatures.split(" ")) {
        if (MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII), expected)) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
