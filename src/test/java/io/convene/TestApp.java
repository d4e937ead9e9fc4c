package io.convene;

import io.convene.config.ConfigLoader;
import io.convene.config.ConveneConfig;
import io.convene.db.Database;
import io.convene.observability.LogFormat;
import io.convene.http.server.HttpVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.deployment.DeploymentContext;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A whole Convene on a fresh database and a free port, started the way Main starts it. */
public final class TestApp {
  public static final String ADMIN_TOKEN = "test-admin-token";
  public static final String SECRETS_KEY = "dGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcy1sb25nISE=";

  public final Vertx vertx;
  public final Application application;
  public final ConveneConfig config;
  public final Database database;
  public final WebClient client;
  private final ByteArrayOutputStream console;

  private TestApp(Vertx vertx, Application application, ConveneConfig config, Database database,
                  ByteArrayOutputStream console) {
    this.vertx = vertx;
    this.application = application;
    this.config = config;
    this.database = database;
    this.console = console;
    this.client = ResponseContract.validating(vertx, WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(config.httpPort())));
  }

  /** Starts with the admin token set and bootstrap off; {@code env} overrides, as CONVENE_* variables would. */
  public static Future<TestApp> start(Vertx vertx, Map<String, String> env) {
    return start(vertx, TestDatabase.fresh(), env);
  }

  public static Future<TestApp> start(Vertx vertx, Database database, Map<String, String> env) {
    Map<String, String> all = new HashMap<>();
    all.put("CONVENE_HTTP_HOST", "127.0.0.1");
    all.put("CONVENE_HTTP_PORT", String.valueOf(freePort()));
    all.put("CONVENE_ADMIN_TOKEN", ADMIN_TOKEN);
    all.put("CONVENE_BOOTSTRAP", "false");
    all.put("CONVENE_EVENT_LOOPS", "2");
    all.put("CONVENE_DATA_DIR", "target/test-data");
    all.put("CONVENE_SECRETS_KEY", SECRETS_KEY);
    // Tests send many bad credentials from one address on purpose; FailedAuthLimitTest checks the limit.
    all.put("CONVENE_AUTH_FAILURES_PER_MINUTE", "100000");
    all.put("CONVENE_SHUTDOWN_DELAY_SECONDS", "0");
    all.putAll(env);
    all.values().removeIf(v -> v == null);
    ConveneConfig config = ConfigLoader.load(new String[0], all);
    LogFormat.use(config.observability().logFormat());
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    return Application.start(vertx, config, database, new PrintStream(console, true))
        .map(application -> new TestApp(vertx, application, config, database, console));
  }

  public static Future<TestApp> start(Vertx vertx) {
    return start(vertx, Map.of());
  }

  /** The HTTP verticles this app deployed, one per event loop. */
  public List<HttpVerticle> httpFronts() {
    List<HttpVerticle> fronts = new ArrayList<>();
    for (DeploymentContext deployment : ((VertxInternal) vertx).deploymentManager().deployments()) {
      for (Deployable instance : deployment.deployment().instances()) {
        if (instance instanceof HttpVerticle front) {
          fronts.add(front);
        }
      }
    }
    return fronts;
  }

  public String console() {
    return console.toString();
  }

  /** Creates a tenant through the admin API: {@code {id, name, api_key, oauth_client}}. */
  public Future<JsonObject> createAccount(String name) {
    return client.post("/admin/v1/accounts")
        .bearerTokenAuthentication(ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("name", name))
        .map(response -> {
          if (response.statusCode() != 201) {
            throw new IllegalStateException("account creation answered " + response.statusCode() + " " + response.bodyAsString());
          }
          return response.bodyAsJsonObject();
        });
  }

  /** Imports a Google Calendar connection through the admin API: {@code {id, user_email, google_id, ...}}. */
  public Future<JsonObject> importCalendar(String accountId, String email, String refreshToken) {
    return client.post("/admin/v1/accounts/" + accountId + "/calendar-connections")
        .bearerTokenAuthentication(ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("user_email", email).put("refresh_token", refreshToken))
        .map(response -> {
          if (response.statusCode() != 201) {
            throw new IllegalStateException("calendar import answered " + response.statusCode() + " " + response.bodyAsString());
          }
          return response.bodyAsJsonObject().getJsonObject("connection");
        });
  }

  /** An OAuth access token for the account's first client, from {@code POST /oauth2/token}. */
  public Future<String> accessToken(JsonObject account) {
    JsonObject client = account.getJsonObject("oauth_client");
    return this.client.post("/oauth2/token")
        .sendJsonObject(new JsonObject()
            .put("grant_type", "client_credentials")
            .put("client_id", client.getString("client_id"))
            .put("client_secret", client.getString("client_secret")))
        .map(response -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("token request answered " + response.statusCode() + " " + response.bodyAsString());
          }
          return response.bodyAsJsonObject().getString("access_token");
        });
  }

  /**
   * The events about a meeting, oldest first: {@code type, sequence, data, account_id}. The
   * {@code meeting.rescheduled} rows that repeat a move's {@code meeting.updated} are left out (so a
   * change is one row here); {@link #rescheduled} reads them.
   */
  public List<Row> events(String meetingId) {
    return eventRows("type <> 'meeting.rescheduled'", meetingId);
  }

  /** The meeting's {@code meeting.rescheduled} rows, oldest first. */
  public List<Row> rescheduled(String meetingId) {
    return eventRows("type = 'meeting.rescheduled'", meetingId);
  }

  private List<Row> eventRows(String condition, String meetingId) {
    List<Row> rows = new ArrayList<>();
    database.pool(vertx)
        .preparedQuery("SELECT type, sequence, data, account_id FROM events WHERE meeting_id = $1 AND " + condition
            + " ORDER BY seq")
        .execute(Tuple.of(meetingId)).await().forEach(rows::add);
    return rows;
  }

  /**
   * A port each app of this JVM gets once, below Linux's ephemeral range (32768 up), where the OS
   * hands out ports to {@code ServerSocket(0)}, the embedded PostgreSQL and outgoing connections: a
   * port found free and bound a moment later cannot have been taken by them meanwhile.
   */
  static int freePort() {
    while (true) {
      int port = NEXT_PORT.getAndIncrement();
      if (port >= 32_000) {
        throw new IllegalStateException("no free test port left below the ephemeral range");
      }
      try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // in use by something else: try the next one
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
      new java.util.concurrent.atomic.AtomicInteger(21_000 + (int) (ProcessHandle.current().pid() % 50) * 200);
}
