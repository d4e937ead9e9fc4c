package io.convene;

import io.convene.auth.AccessTokens;
import io.convene.calendar.CalendarSyncVerticle;
import io.convene.config.ConveneConfig;
import io.convene.db.Database;
import io.convene.eventbus.LocalCodec;
import io.convene.http.HttpVerticle;
import io.convene.http.Idempotency;
import io.convene.http.FailedAuthLimiter;
import io.convene.http.RateLimiter;
import io.convene.meeting.MeetingStoreVerticle;
import io.convene.secrets.SecretBox;
import io.convene.secrets.SecretsCheck;
import io.convene.tenant.Tenants;
import io.convene.tenant.Tenants.NewAccount;
import io.convene.webhook.WebhookDeliveryVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;

/**
 * Brings Convene up on a running Vert.x and a reachable database: migrate, bootstrap, then deploy
 * the store and the HTTP front (one instance of each per event loop) and the webhook delivery
 * worker, as far as {@code workers} asks for them. Main and the tests share it.
 */
public final class Application {
  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private final Vertx vertx;
  /** {@code null} on a node that does not run the {@code api} worker. */
  private final String httpDeployment;

  private Application(Vertx vertx, String httpDeployment) {
    this.vertx = vertx;
    this.httpDeployment = httpDeployment;
  }

  /**
   * Stops taking requests and lets those in flight finish (they still reach the store and the
   * database), up to the drain time. Closing Vert.x afterwards stops the rest.
   */
  public Future<Void> drain() {
    return httpDeployment == null ? Future.succeededFuture() : vertx.undeploy(httpDeployment);
  }

  public static Future<Application> start(Vertx vertx, ConveneConfig config, Database database, PrintStream console) {
    vertx.eventBus().registerCodec(new LocalCodec());
    DeploymentOptions perEventLoop = new DeploymentOptions().setInstances(config.eventLoops());
    RateLimiter rateLimiter = config.rateLimitPerMinute() > 0 ? new RateLimiter(config.rateLimitPerMinute()) : null;
    FailedAuthLimiter failedAuth = config.authFailuresPerMinute() > 0
        ? new FailedAuthLimiter(config.authFailuresPerMinute()) : null;
    return vertx.executeBlocking(() -> {
          database.migrate();
          byte[] key = config.secretsKeyBytes();
          return key != null ? new SecretBox(key) : SecretBox.fromKeyFile(config.secretsKeyFile());
        })
        .compose(secrets -> SecretsCheck.verify(database.pool(vertx), secrets)
            .compose(checked -> AccessTokens.start(vertx, database.pool(vertx), secrets, config))
            .map(tokens -> new Services(config, database, secrets, rateLimiter, failedAuth, tokens)))
        .compose(services -> (config.bootstrap() ? bootstrap(vertx, database, config, console) : Future.<Void>succeededFuture())
            .compose(v -> vertx.deployVerticle(() -> new MeetingStoreVerticle(database), perEventLoop))
            .compose(id -> config.runs(ConveneConfig.WORKER_WEBHOOKS)
                ? vertx.deployVerticle(new WebhookDeliveryVerticle(services)) : Future.succeededFuture(id))
            .compose(id -> config.runs(ConveneConfig.WORKER_CALENDAR)
                ? startCalendarSync(vertx, services).map(id) : Future.succeededFuture(id))
            .compose(id -> config.runs(ConveneConfig.WORKER_API)
                ? vertx.deployVerticle(() -> new HttpVerticle(services), perEventLoop) : Future.<String>succeededFuture(null)))
        .onSuccess(id -> expireIdempotencyKeysHourly(vertx, database))
        .onSuccess(id -> forgetFullBucketsEveryMinute(vertx, rateLimiter, failedAuth))
        .map(httpDeployment -> new Application(vertx, httpDeployment));
  }

  /** One sync worker per process when Google credentials are configured; else said once, here. */
  private static Future<?> startCalendarSync(Vertx vertx, Services services) {
    if (!services.config().calendar().enabled()) {
      LOG.info("Google Calendar sync is off: set CONVENE_GOOGLE_CLIENT_ID, CONVENE_GOOGLE_CLIENT_SECRET and"
          + " CONVENE_GOOGLE_REDIRECT_URI to mirror meetings onto calendars");
      return Future.succeededFuture();
    }
    return vertx.deployVerticle(new CalendarSyncVerticle(services));
  }

  /** Buckets that refilled hold nothing a new one would not; dropping them bounds the memory. */
  private static void forgetFullBucketsEveryMinute(Vertx vertx, RateLimiter rateLimiter, FailedAuthLimiter failedAuth) {
    vertx.setPeriodic(60_000L, tick -> {
      if (rateLimiter != null) {
        rateLimiter.buckets().forgetFull();
      }
      if (failedAuth != null) {
        failedAuth.buckets().forgetFull();
      }
    });
  }

  private static void expireIdempotencyKeysHourly(Vertx vertx, Database database) {
    Idempotency idempotency = new Idempotency(database.pool(vertx));
    vertx.setPeriodic(60 * 60 * 1000L, tick -> idempotency.expireOld());
  }

  private static Future<Void> bootstrap(Vertx vertx, Database database, ConveneConfig config, PrintStream console) {
    return new Tenants(database.pool(vertx)).bootstrapIfEmpty("Default account").map(account -> {
      if (account != null) {
        console.print(firstRunBanner(account, config));
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
