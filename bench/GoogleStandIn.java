// A local stand-in for Google, for the availability step of Convene's benchmark (issue 15): it answers
// at once, so the step measures Convene, not Google. Follows the documented shapes of the OAuth token
// endpoint and the Calendar API's freeBusy.query; event writes (the calendar worker mirroring the
// step's meetings) get a plain 200.
//
//   java -cp target/convene.jar bench/GoogleStandIn.java [--port 0] [--busy-per-day 4]
// Prints "GOOGLE_PORT <port>" once listening on 127.0.0.1.
//   POST /token                   {"access_token", "expires_in": 3600, "token_type": "Bearer"}
//   POST /calendar/v3/freeBusy    per calendar asked for, --busy-per-day one-hour busy periods on each
//                                 UTC day of [timeMin, timeMax) (from 08:00, every two hours), clipped
//   anything else                 200 {"id", "etag", "status": "confirmed"}

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

public class GoogleStandIn {
  private final int busyPerDay;
  private final AtomicLong counter = new AtomicLong();

  private GoogleStandIn(int busyPerDay) {
    this.busyPerDay = busyPerDay;
  }

  public static void main(String[] args) {
    int port = 0;
    int busyPerDay = 4;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--busy-per-day" -> busyPerDay = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(60_000));
    GoogleStandIn google = new GoogleStandIn(busyPerDay);
    vertx.createHttpServer()
        .requestHandler(google::handle)
        .listen(port, "127.0.0.1")
        .onSuccess(server -> System.out.println("GOOGLE_PORT " + server.actualPort()))
        .onFailure(e -> {
          System.err.println("google stand-in: cannot listen: " + e.getMessage());
          System.exit(1);
        });
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      JsonObject answer;
      if (req.path().equals("/token")) {
        answer = new JsonObject().put("access_token", "ya29.bench-" + counter.incrementAndGet())
            .put("expires_in", 3600).put("token_type", "Bearer");
      } else if (req.path().equals("/calendar/v3/freeBusy")) {
        answer = freeBusy(body.toJsonObject());
      } else {
        long n = counter.incrementAndGet();
        answer = new JsonObject().put("id", Long.toString(n, 32)).put("etag", "\"" + n + "\"").put("status", "confirmed");
      }
      req.response().putHeader("Content-Type", "application/json").end(answer.encode());
    });
  }

  private JsonObject freeBusy(JsonObject query) {
    Instant min = OffsetDateTime.parse(query.getString("timeMin")).toInstant();
    Instant max = OffsetDateTime.parse(query.getString("timeMax")).toInstant();
    JsonArray busy = new JsonArray();
    for (LocalDate day = LocalDate.ofInstant(min, ZoneOffset.UTC); !day.atStartOfDay().toInstant(ZoneOffset.UTC).isAfter(max);
         day = day.plusDays(1)) {
      for (int k = 0; k < busyPerDay; k++) {
        Instant start = day.atTime(8 + 2 * k, 0).toInstant(ZoneOffset.UTC);
        Instant end = start.plusSeconds(3600);
        if (start.isBefore(max) && end.isAfter(min)) {
          busy.add(new JsonObject().put("start", (start.isBefore(min) ? min : start).toString())
              .put("end", (end.isAfter(max) ? max : end).toString()));
        }
      }
    }
    JsonObject calendars = new JsonObject();
    for (Object item : query.getJsonArray("items")) {
      calendars.put(((JsonObject) item).getString("id"), new JsonObject().put("busy", busy.copy()));
    }
    return new JsonObject().put("kind", "calendar#freeBusy").put("timeMin", min.toString()).put("timeMax", max.toString())
        .put("calendars", calendars);
  }
}
