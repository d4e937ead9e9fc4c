// The bare Vert.x service of Convene's benchmark (issue 20): the least work an HTTP service over the
// minimal tables (bench/sql/minimal.sql) can do per request, in the style of TechEmpower's Vert.x
// entry: one verticle per event loop, a plain request handler (no router, no auth), PgBuilder clients
// of its own per verticle with prepared statements (pipelined for reads), JSON answers, response
// headers made once.
// Not part of Convene: it shows what HTTP and the load generator cost on this machine, so that
// Convene's figures can be judged against what any Vert.x gateway here can reach.
//
//   java -cp target/convene.jar bench/reference/BareService.java
//
// Environment: BARE_DATABASE_URL (postgresql://user:password@host:port/db; without it, libpq's
// PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD), BARE_TENANT (the tenant of every query, required), BARE_PORT (default 0: any free port), BARE_EVENT_LOOPS
// (event loops = verticle instances, like CONVENE_EVENT_LOOPS; default the number of cores),
// BARE_DB_CONNECTIONS (at most this many connections for each verticle's reads, and as many for its
// writes; default 8).
// Prints "BARE_PORT <port>" once every instance listens on 127.0.0.1.
//
// The same paths and bodies as Convene's, so bench/wrk/*.lua and bench/OpenLoad.java drive it as they are:
//   GET  /v1/meetings/{id}   the row
//   PUT  /v1/meetings/{id}   {"start_time", "end_time", "attendees", ...}: the update and its event, one statement
//   POST /v1/schedule        {"start_time", "duration_minutes", "attendees", ...}: the meeting and its event, one statement

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

public class BareService extends VerticleBase implements Handler<HttpServerRequest> {
  private static final String MEETINGS = "/v1/meetings/";
  private static final String SCHEDULE = "/v1/schedule";

  private static final String SELECT_MEETING = "SELECT id, start_at, end_at, start_offset, attendees, version, updated_at "
      + "FROM bench_minimal.meetings WHERE id = $1 AND tenant = $2";
  private static final String RESCHEDULE = "WITH m AS (UPDATE bench_minimal.meetings "
      + "SET start_at = $3, end_at = $4, start_offset = $5, attendees = $6, version = version + 1, updated_at = now() "
      + "WHERE id = $1 AND tenant = $2 RETURNING id, version) "
      + "INSERT INTO bench_minimal.events (tenant, meeting_id, type, sequence, payload, created_at) "
      + "SELECT $2, id, 'meeting.updated', version, $7, now() FROM m RETURNING sequence";
  private static final String INSERT_MEETING = "WITH m AS (INSERT INTO bench_minimal.meetings "
      + "(id, tenant, start_at, end_at, start_offset, attendees, version, updated_at) "
      + "VALUES ($1, $2, $3, $4, $5, $6, 1, now()) RETURNING id) "
      + "INSERT INTO bench_minimal.events (tenant, meeting_id, type, sequence, payload, created_at) "
      + "SELECT $2, id, 'meeting.scheduled', 1, $7, now() FROM m RETURNING sequence";

  private static final CharSequence CONTENT_TYPE = HttpHeaders.createOptimized("content-type");
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssxxx");
  private static final char[] ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final PgConnectOptions database;
  private final int connections;
  private final String tenant;
  private final int port;
  private SqlClient reads;
  private SqlClient writes;

  BareService(PgConnectOptions database, int connections, String tenant, int port) {
    this.database = database;
    this.connections = connections;
    this.tenant = tenant;
    this.port = port;
  }

  public static void main(String[] args) {
    int loops = intEnv("BARE_EVENT_LOOPS", Runtime.getRuntime().availableProcessors());
    String url = System.getenv("BARE_DATABASE_URL");
    PgConnectOptions database = (url == null || url.isBlank() ? PgConnectOptions.fromEnv()
        : PgConnectOptions.fromUri(url.replaceFirst("^postgres://", "postgresql://")))
        .setCachePreparedStatements(true);
    int connections = intEnv("BARE_DB_CONNECTIONS", 8);
    String tenant = requiredEnv("BARE_TENANT");
    int port = intEnv("BARE_PORT", 0);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    // Port 0 would give each instance its own port: the first takes one, the others share it.
    vertx.deployVerticle(new BareService(database, connections, tenant, port))
        .compose(first -> loops == 1 ? Future.succeededFuture()
            : vertx.deployVerticle(() -> new BareService(database, connections, tenant, boundPort),
                new DeploymentOptions().setInstances(loops - 1)))
        .onSuccess(done -> System.out.println("BARE_PORT " + boundPort + " (" + loops + " event loops)"))
        .onFailure(e -> {
          System.err.println("bare service: cannot start: " + e);
          System.exit(1);
        });
  }

  private static volatile int boundPort;

  @Override
  public Future<?> start() {
    // Built on this verticle's context, so the clients' connections live on this verticle's event loop.
    // Reads are pipelined: many queries in flight on a connection. Writes are not: PostgreSQL runs a
    // connection's statements one after the other, so pipelined commits would each wait for the previous
    // one's WAL flush; on a connection each, concurrent commits share flushes (group commit), as
    // pgbench's clients do.
    reads = client(new PgConnectOptions(database).setPipeliningLimit(256));
    writes = client(new PgConnectOptions(database).setPipeliningLimit(1));
    return vertx.createHttpServer()
        .requestHandler(this)
        .listen(port, "127.0.0.1")
        .onSuccess(server -> boundPort = server.actualPort());
  }

  private SqlClient client(PgConnectOptions options) {
    return PgBuilder.client()
        .with(new PoolOptions().setMaxSize(connections))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  @Override
  public void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.startsWith(MEETINGS) && req.method() == HttpMethod.GET) {
      read(req, path.substring(MEETINGS.length()));
    } else if (path.startsWith(MEETINGS) && req.method() == HttpMethod.PUT) {
      req.body().onSuccess(body -> reschedule(req, path.substring(MEETINGS.length()), body));
    } else if (path.equals(SCHEDULE) && req.method() == HttpMethod.POST) {
      req.body().onSuccess(body -> schedule(req, body));
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private void read(HttpServerRequest req, String id) {
    query(req, reads, SELECT_MEETING, Tuple.of(id, tenant), row -> {
      ZoneOffset offset = ZoneOffset.ofTotalSeconds(row.getInteger(3));
      return new JsonObject()
          .put("meeting_id", row.getString(0))
          .put("start_time", RFC3339.format(row.getOffsetDateTime(1).withOffsetSameInstant(offset)))
          .put("end_time", RFC3339.format(row.getOffsetDateTime(2).withOffsetSameInstant(offset)))
          .put("attendees", row.getValue(4))
          .put("version", row.getInteger(5))
          .put("updated_at", row.getOffsetDateTime(6).toString());
    });
  }

  private void reschedule(HttpServerRequest req, String id, Buffer body) {
    JsonObject change;
    OffsetDateTime start;
    OffsetDateTime end;
    try {
      change = body.toJsonObject();
      start = OffsetDateTime.parse(change.getString("start_time"));
      end = OffsetDateTime.parse(change.getString("end_time"));
    } catch (RuntimeException e) {
      req.response().setStatusCode(400).end();
      return;
    }
    JsonArray attendees = change.getJsonArray("attendees", new JsonArray());
    write(req, RESCHEDULE, id, start, end, attendees, change.put("meeting_id", id));
  }

  private void schedule(HttpServerRequest req, Buffer body) {
    JsonObject meeting;
    OffsetDateTime start;
    try {
      meeting = body.toJsonObject();
      start = OffsetDateTime.parse(meeting.getString("start_time"));
    } catch (RuntimeException e) {
      req.response().setStatusCode(400).end();
      return;
    }
    String id = newId();
    OffsetDateTime end = start.plusMinutes(meeting.getInteger("duration_minutes", 30));
    JsonArray attendees = meeting.getJsonArray("attendees", new JsonArray());
    write(req, INSERT_MEETING, id, start, end, attendees, meeting.put("meeting_id", id));
  }

  /** One statement: the meeting's row and its event commit together (autocommit). */
  private void write(HttpServerRequest req, String sql, String id, OffsetDateTime start, OffsetDateTime end,
                     JsonArray attendees, JsonObject event) {
    Tuple params = Tuple.of(id, tenant, start, end, start.getOffset().getTotalSeconds(), attendees, event);
    query(req, writes, sql, params, row -> new JsonObject().put("meeting_id", id).put("version", row.getInteger(0)));
  }

  /** Runs one statement and answers its first row as JSON, 404 when there is none. */
  private static void query(HttpServerRequest req, SqlClient client, String sql, Tuple params,
                            Function<Row, JsonObject> answer) {
    client.preparedQuery(sql).execute(params).onComplete(ar -> {
      if (ar.failed()) {
        fail(req, ar.cause());
        return;
      }
      RowIterator<Row> rows = ar.result().iterator();
      if (!rows.hasNext()) {
        req.response().setStatusCode(404).end();
        return;
      }
      req.response().putHeader(CONTENT_TYPE, APPLICATION_JSON).end(answer.apply(rows.next()).toBuffer());
    });
  }

  private static void fail(HttpServerRequest req, Throwable cause) {
    System.err.println("bare service: " + cause);
    req.response().setStatusCode(500).end();
  }

  private static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[20];
    for (int i = 0; i < id.length; i++) {
      id[i] = ID_CHARS[random.nextInt(ID_CHARS.length)];
    }
    return "meet_" + new String(id);
  }

  private static int intEnv(String name, int fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
  }

  private static String requiredEnv(String name) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return v;
  }
}
