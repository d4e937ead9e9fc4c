package io.convene.observability;

import io.convene.calendar.CalendarSyncVerticle;
import io.convene.config.ConveneConfig;
import io.convene.metrics.EventLoopProbe;
import io.convene.metrics.Metrics;
import io.convene.tenant.CredentialCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One per process, when metrics are on: the outbox and calendar-sync gauges (read from the database when
 * Prometheus scrapes, not polled), calendar-sync outcomes, an event-loop delay probe per loop, and, with
 * {@code metrics_port}, the scrape endpoint on its own port.
 */
public final class MetricsVerticle extends VerticleBase {
  /** Asks this verticle to read the gauges' values from the database; answered once they are read. */
  static final String REFRESH = "convene.metrics.refresh";
  private static final long REFRESH_TIMEOUT_MS = 2_000;
  private static final String OUTBOX = "SELECT count(*) AS due,"
      + " COALESCE(EXTRACT(EPOCH FROM now() - min(next_attempt_at)), 0)::float8 AS oldest"
      + " FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()";
  private static final String CALENDAR = "SELECT count(*) AS backlog FROM calendar_sync_jobs";

  private final ConveneConfig config;
  private final Pool pool;
  private final CredentialCache credentials;
  private final MeterRegistry registry;
  private final AtomicLong dueDeliveries = new AtomicLong();
  private final AtomicLong oldestDueMillis = new AtomicLong();
  private final AtomicLong calendarBacklog = new AtomicLong();
  private final Map<String, Counter> calendarOutcomes = new ConcurrentHashMap<>();

  private MetricsVerticle(ConveneConfig config, Pool pool, CredentialCache credentials, MeterRegistry registry) {
    this.config = config;
    this.pool = pool;
    this.credentials = credentials;
    this.registry = registry;
  }

  /** Deploys it when this Vert.x runs with metrics; the deployment id, or {@code null}. */
  public static Future<String> deploy(Vertx vertx, ConveneConfig config, Pool pool, CredentialCache credentials) {
    MeterRegistry registry = Metrics.registry(vertx);
    return registry == null ? Future.succeededFuture()
        : vertx.deployVerticle(new MetricsVerticle(config, pool, credentials, registry));
  }

  @Override
  public Future<?> start() {
    Gauge.builder("convene.webhook.deliveries.due", dueDeliveries, AtomicLong::get)
        .description("Webhook deliveries due now and not yet delivered (all tenants)")
        .register(registry);
    Gauge.builder("convene.webhook.oldest.due.age", oldestDueMillis, millis -> millis.get() / 1000.0)
        .description("How long the oldest due webhook delivery has waited").baseUnit("seconds")
        .register(registry);
    Gauge.builder("convene.calendar.sync.backlog", calendarBacklog, AtomicLong::get)
        .description("Calendar sync jobs queued (due or waiting for a retry)")
        .register(registry);
    FunctionCounter.builder("convene.credential.cache.lookups", credentials, CredentialCache::hits)
        .description("Credential lookups (API keys, OAuth clients) answered from memory or from the database")
        .tag("result", "hit").register(registry);
    FunctionCounter.builder("convene.credential.cache.lookups", credentials, CredentialCache::misses)
        .description("Credential lookups (API keys, OAuth clients) answered from memory or from the database")
        .tag("result", "miss").register(registry);
    vertx.eventBus().consumer(REFRESH, message -> refresh(pool).onComplete(done -> message.reply(null)));
    vertx.eventBus().<JsonObject>consumer(CalendarSyncVerticle.OUTCOMES, message -> calendarOutcome(message.body()));
    Future<?> probes = vertx.deployVerticle(() -> new EventLoopProbe(registry),
        new DeploymentOptions().setInstances(config.eventLoops()));
    Integer port = config.observability().metricsPort();
    if (port == null) {
      return probes;
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(scrape(vertx));
    return probes.compose(v -> vertx.createHttpServer(new HttpServerOptions().setHost(config.httpHost()).setPort(port))
        .requestHandler(router).listen());
  }

  /** The scrape: the gauges read from the database first (or their last values, if that takes too long). */
  static io.vertx.core.Handler<RoutingContext> scrape(Vertx vertx) {
    PrometheusMeterRegistry prometheus = Metrics.prometheus(vertx);
    io.vertx.core.Handler<RoutingContext> write = PrometheusScrapingHandler.create(prometheus);
    DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(REFRESH_TIMEOUT_MS);
    return ctx -> vertx.eventBus().request(REFRESH, null, timeout).onComplete(refreshed -> write.handle(ctx));
  }

  private Future<Void> refresh(Pool pool) {
    Future<Void> outbox = pool.query(OUTBOX).execute().map(rows -> {
      Row row = rows.iterator().next();
      dueDeliveries.set(row.getLong("due"));
      oldestDueMillis.set((long) (row.getDouble("oldest") * 1000));
      return null;
    });
    Future<Void> calendar = pool.query(CALENDAR).execute().map(rows -> {
      calendarBacklog.set(rows.iterator().next().getLong("backlog"));
      return null;
    });
    return Future.join(outbox, calendar).mapEmpty();
  }

  private void calendarOutcome(JsonObject outcome) {
    String status = outcome == null ? null : outcome.getString("status");
    if (status == null) {
      return;
    }
    calendarOutcomes.computeIfAbsent(status, s -> Counter.builder("convene.calendar.sync.outcomes")
        .description("Calendar sync jobs finished, by the status they left the meeting in")
        .tag("status", s)
        .register(registry)).increment();
  }
}
