package io.convene;

import io.convene.app.Components;
import io.convene.calendar.CalendarSyncVerticle;
import io.convene.config.ConveneConfig;
import io.convene.db.Database;
import io.convene.eventbus.LocalCodec;
import io.convene.http.server.HealthVerticle;
import io.convene.http.server.HttpVerticle;
import io.convene.http.Idempotency;
import io.convene.http.Readiness;
import io.convene.meeting.MeetingStoreVerticle;
import io.convene.observability.MetricsVerticle;
import io.convene.outbox.OutboxNotifier;
import io.convene.tenant.Tenants.NewAccount;
import io.convene.webhook.WebhookDeliveryVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;

/**
 * Brings Convene up on a running Vert.x and a reachable database: migrate, bootstrap, then deploy
 * the store and the HTTP front (one instance of each per event loop) and the webhook delivery
 * worker, as far as {@code workers} asks for them. Main and the tests share it.
 *
 * <p>All of it runs inside one parent verticle, so that everything Convene opens (the database pool,
 * timers) belongs to that deployment and not to Vert.x's root: closing Vert.x then stops the workers
 * and the HTTP front first and closes the pool after them, instead of closing the pool under workers
 * that are still running.
 */
public final class Application {
  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private final Vertx vertx;
  /** The HTTP front, or on a node without the {@code api} worker its probes alone ({@link HealthVerticle}). */
  private final String httpDeployment;
  /** {@code null} on a node that does not run the {@code webhooks} worker. */
  private final String webhookDeployment;

  private final Readiness readiness;
  private final int shutdownDelaySeconds;

  private Application(Vertx vertx, String httpDeployment, String webhookDeployment, Readiness readiness,
                      int shutdownDelaySeconds) {
    this.vertx = vertx;
    this.httpDeployment = httpDeployment;
    this.webhookDeployment = webhookDeployment;
    this.readiness = readiness;
    this.shutdownDelaySeconds = shutdownDelaySeconds;
  }

  /**
   * Stops in the order load balancers expect: readiness fails at once (and every answer says its
   * connection closes) while requests are still served; {@code shutdown_delay_seconds} later the
   * listener closes and the {@link #drain()} begins.
   */
  public Future<Void> shutdown() {
    readiness.stopping();
    if (shutdownDelaySeconds == 0) {
      return drain();
    }
    LOG.info("Stopping: readiness fails now; the listener closes in {} s", shutdownDelaySeconds);
    return vertx.timer(shutdownDelaySeconds, java.util.concurrent.TimeUnit.SECONDS).compose(v -> drain());
  }

  /**
   * Stops taking requests and lets those in flight finish (they still reach the store and the
   * database); at the same time stops claiming webhook deliveries, lets those in flight end and be
   * recorded, and gives back the leases of any still running; each up to the drain time. Closing
   * Vert.x afterwards stops the rest.
   */
  public Future<Void> drain() {
    LOG.info("Stopping: no new requests; in-flight requests may finish");
    return Future.all(undeploy(httpDeployment), undeploy(webhookDeployment)).mapEmpty();
  }

  private Future<Void> undeploy(String deployment) {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

  public static Future<Application> start(Vertx vertx, ConveneConfig config, Database database, PrintStream console) {
    Node node = new Node(config, database, console);
    return vertx.deployVerticle(node)
        .map(id -> new Application(vertx, node.httpDeployment, node.webhookDeployment, node.readiness,
            config.shutdownDelaySeconds()));
  }

  /** The parent of every Convene deployment in this process. */
  private static final class Node extends VerticleBase {
    private final ConveneConfig config;
    private final Database database;
    private final PrintStream console;
    private final Readiness readiness = new Readiness();
    private String httpDeployment;
    private String webhookDeployment;

    Node(ConveneConfig config, Database database, PrintStream console) {
      this.config = config;
      this.database = database;
      this.console = console;
    }

    @Override
    public Future<?> start() {
      vertx.eventBus().registerCodec(new LocalCodec());
      DeploymentOptions perEventLoop = new DeploymentOptions().setInstances(config.eventLoops());
      return Components.start(vertx, config, database, readiness)
          .compose(c -> (config.bootstrap() ? bootstrap(c, console) : Future.<Void>succeededFuture())
              .compose(v -> vertx.deployVerticle(() -> new MeetingStoreVerticle(database, storeConnectionsPerLoop(config),
                  c.lastSeen()), perEventLoop))
              .compose(id -> vertx.deployVerticle(new OutboxNotifier(c.pool())))
              .compose(id -> MetricsVerticle.deploy(vertx, config, c.pool(), c.credentials()))
              .compose(id -> config.runs(ConveneConfig.WORKER_WEBHOOKS)
                  ? vertx.deployVerticle(new WebhookDeliveryVerticle(config, database, c.secrets(), c.webhookTargets(),
                      c.webhookLog()))
                  : Future.<String>succeededFuture(null))
              .compose(id -> {
                webhookDeployment = id;
                return config.runs(ConveneConfig.WORKER_CALENDAR) ? startCalendarSync(vertx, c) : Future.succeededFuture();
              })
              .compose(v -> config.runs(ConveneConfig.WORKER_API)
                  ? vertx.deployVerticle(() -> new HttpVerticle(c), perEventLoop)
                  : vertx.deployVerticle(new HealthVerticle(c)))
              .onSuccess(id -> httpDeployment = id)
              .onSuccess(id -> expireIdempotencyKeysHourly(vertx, c.idempotency()))
              .onSuccess(id -> c.keepLimits()));
    }
  }

  /** The pool size, split between the event loops' store instances. */
  private static int storeConnectionsPerLoop(ConveneConfig config) {
    return Math.max(1, (config.databasePoolSize() + config.eventLoops() - 1) / config.eventLoops());
  }

  /** One sync worker per process when Google credentials are configured; else said once, here. */
  private static Future<?> startCalendarSync(Vertx vertx, Components c) {
    if (!c.config().calendar().enabled()) {
      LOG.info("Google Calendar sync is off: set CONVENE_GOOGLE_CLIENT_ID, CONVENE_GOOGLE_CLIENT_SECRET and"
          + " CONVENE_GOOGLE_REDIRECT_URI to mirror meetings onto calendars");
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(new CalendarSyncVerticle(c.config().calendar(), c.database(), c.calendars()));
  }

  private static void expireIdempotencyKeysHourly(Vertx vertx, Idempotency idempotency) {
    vertx.setPeriodic(60 * 60 * 1000L, tick -> idempotency.expireOld());
  }

  private static Future<Void> bootstrap(Components c, PrintStream console) {
    return c.tenants().bootstrapIfEmpty("Default account").map(account -> {
      if (account != null) {
        console.print(firstRunBanner(account, c.config()));
      }
      return null;
    });
  }

  /** Credentials are printed to the console once, never logged. */
  static String firstRunBanner(NewAccount account, ConveneConfig config) {
    String base = "http://localhost:" + config.httpPort();
    return String.join(System.lineSeparator(),
        "",
        "==================================================================",
        " Convene first run: created account " + account.id() + " (\"" + account.name() + "\")",
        " These credentials are shown this once; keep them now.",
        "   API key:             " + account.apiKey(),
        "   OAuth client_id:     " + account.clientId(),
        "   OAuth client_secret: " + account.clientSecret(),
        " First call:",
        "   curl -H 'Authorization: Bearer " + account.apiKey() + "' " + base + "/v1/meetings",
        "==================================================================",
        "");
  }
}
