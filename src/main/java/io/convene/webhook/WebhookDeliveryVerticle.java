package io.convene.webhook;

import io.convene.ids.Ids;
import io.convene.config.ConveneConfig;
import io.convene.db.Database;
import io.convene.outbox.Outbox;
import io.convene.secrets.SecretBox;
import io.convene.webhook.WebhookDeliveryQueue.Claimed;
import io.convene.webhook.WebhookDeliveryQueue.Finished;
import io.convene.webhook.WebhookDeliveryQueue.Position;
import io.convene.webhook.WebhookDeliveryQueue.Verdict;
import io.convene.metrics.DeliveryMetrics;
import io.convene.webhook.WebhookSender.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Sends webhook deliveries: claims due ones with {@code FOR UPDATE SKIP LOCKED} and a lease, sends
 * each outside any transaction, records the attempts and what follows (success, a retry, giving up,
 * disabling the endpoint). Deployed once per node that runs the {@code webhooks} worker; any number of
 * nodes may share the database.
 *
 * <p>It claims when woken: at once after a commit in this process (event bus), by {@code NOTIFY} from
 * any instance (sent after each commit that queued deliveries, see {@code OutboxNotifier}), when one of its attempts ends, at
 * the time the next retry falls due, and by a poll every {@value #POLL_MILLIS} ms, which also takes
 * over the lapsed leases of an instance that died. A claim starts each endpoint's queue where this
 * worker's last claim of it ended (its floor), so that it does not walk the index entries of finished
 * deliveries, which stay in front until a vacuum; the poll, and leases given back, look from the start.
 * At most {@code webhook_concurrency} deliveries are in
 * flight, at most {@code webhook_endpoint_concurrency} per endpoint. Attempts that end while a record
 * is being written are recorded together in the next transaction: one commit for many deliveries.
 *
 * <p>On stop it claims no more and waits, up to the drain time, for what is in flight to end and be
 * recorded; the leases of attempts still running then are given back, so that another instance takes
 * them over at once instead of when they lapse.
 */
public final class WebhookDeliveryVerticle extends VerticleBase {
  public static final String CHANNEL = Outbox.WEBHOOKS_CHANNEL;
  /** The payload on {@link #CHANNEL} of leases given back: behind every worker's floors, see {@link #claimedUpTo}. */
  static final String RELEASED = "released";
  /**
   * After new deliveries were queued, a claim looks this far behind what it claimed last: a delivery is
   * due from the start of the transaction that queued it, so one that commits later than this after
   * its start is left to the full look of the next poll.
   */
  private static final long COMMIT_LAG_MILLIS = 1_000;
  /** The safety net, and how soon after it lapses the lease of an instance that died is taken over. */
  static final long POLL_MILLIS = 5_000;
  /** After a failed claim, a lost LISTEN connection, or due work left unclaimed: look again this soon. */
  private static final long AGAIN_MILLIS = 1_000;
  private static final long RETENTION_MILLIS = 60 * 60 * 1000L;
  /** A worker claims up to this many times an endpoint's bound of requests ahead, so that claims and records come in chunks. */
  static final int PREFETCH = 4;
  /**
   * While it holds deliveries, a worker whose last claim brought fewer than this waits
   * {@value #CLAIM_SPACING_MILLIS} ms before the next: under a steady stream of changes every commit
   * wakes it, and a claim per commit would cost PostgreSQL a transaction for each one or two deliveries.
   */
  private static final int SMALL_CLAIM = 8;
  private static final long CLAIM_SPACING_MILLIS = 10;
  /** Attempts recorded in one transaction at most. */
  private static final int RECORD_BATCH = 256;
  /** Secrets held opened at most: far more endpoints than one node sends to at once. */
  private static final int OPENED_SECRETS = 4_096;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveryVerticle.class);

  private final ConveneConfig config;
  private final Database database;
  private final SecretBox secrets;
  private final WebhookTargets targets;
  private final WebhookDeliveryLog log;
  private Pool queuePool;
  private WebhookDeliveryQueue deliveries;
  private WebhookSender sender;
  private DeliveryMetrics metrics;
  private RetrySchedule schedule;
  private PgSubscriber subscriber;

  private boolean stopping;
  private boolean claiming;
  private boolean wakeAgain;
  private boolean recording;
  /** Claimed and not yet recorded (sending, or waiting for its record): what webhook_concurrency bounds. */
  private final Map<String, Claimed> inFlight = new LinkedHashMap<>();
  /** Requests open per endpoint: what webhook_endpoint_concurrency bounds. */
  private final Map<String, Integer> open = new HashMap<>();
  /** Claimed, waiting for a free request slot of their endpoint, oldest first. */
  private final Map<String, ArrayDeque<Claimed>> queued = new HashMap<>();
  private final List<Finished> unrecorded = new ArrayList<>();
  /**
   * Per endpoint, the last place in its queue claimed since the last full look. A claim takes an
   * endpoint's due deliveries in queue order, so what is still unclaimed behind this was queued by a
   * transaction still open then, or given back, or its lease lapsed.
   */
  private final Map<String, Position> claimedUpTo = new HashMap<>();
  /** How far back the next claim looks: the widest any wake-up since the last claim began asked for. */
  private Look look = Look.EVERYWHERE;

  /** Where a claim starts in each endpoint's queue. */
  private enum Look {
    /** Past what this worker claimed last: its own attempts ended, nothing was queued or given back. */
    PAST_CLAIMED,
    /** {@value #COMMIT_LAG_MILLIS} ms before that: deliveries were queued. */
    RECENT,
    /** From the start: on the poll, on a (re)subscribe, and after leases were given back (or lapsed). */
    EVERYWHERE
  }
  /** Endpoint secrets as opened, by their sealed text: opening (AES-GCM) once per secret, not per attempt. */
  private final Map<String, String> openedSecrets = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > OPENED_SECRETS;
    }
  };
  private Promise<Void> idle;
  private long dueTimer = -1;
  private boolean lastClaimSmall;
  private long spacingTimer = -1;

  /** Its queue's connections and its HTTP client are its own: they close with this verticle, after the drain. */
  public WebhookDeliveryVerticle(ConveneConfig config, Database database, SecretBox secrets, WebhookTargets targets,
                                 WebhookDeliveryLog log) {
    this.config = config;
    this.database = database;
    this.secrets = secrets;
    this.targets = targets;
    this.log = log;
  }

  @Override
  public Future<?> start() {
    queuePool = queuePool();
    deliveries = new WebhookDeliveryQueue(queuePool);
    // Endpoints may share a receiver's address: the per-endpoint bound is kept here, not by the pool.
    metrics = DeliveryMetrics.of(vertx);
    sender = new WebhookSender(vertx, targets, config.webhookConcurrency());
    schedule = new RetrySchedule(config.webhookRetrySchedule());
    vertx.setPeriodic(POLL_MILLIS, tick -> wake(Look.EVERYWHERE));
    vertx.setPeriodic(RETENTION_MILLIS, tick -> log.expire(config.webhookLogRetentionDays())
        .onFailure(e -> LOG.warn("webhook log retention failed: {}", e.getMessage())));
    subscriber = PgSubscriber.subscriber(vertx, database.connectOptions())
        .reconnectPolicy(retries -> AGAIN_MILLIS);
    // Notifications sent while the listening connection was down are lost: claim on every (re)subscribe.
    subscriber.channel(CHANNEL).subscribeHandler(v -> wake(Look.EVERYWHERE))
        .handler(payload -> wake(RELEASED.equals(payload) ? Look.EVERYWHERE : Look.RECENT));
    return vertx.eventBus().localConsumer(Outbox.WEBHOOKS_QUEUED, message -> wake(Look.RECENT)).completion()
        .compose(v -> subscriber.connect())
        .onSuccess(v -> wake());
  }

  /**
   * The queue's own connections (a claim, a record and a lookup at a time), on which every statement is
   * planned for the tables as they are at that run: a plan kept from a claim on an empty queue scanned
   * every delivery (and every event) on each claim after a burst, until the next ANALYZE.
   */
  private Pool queuePool() {
    PgConnectOptions options = new PgConnectOptions(database.connectOptions()).setCachePreparedStatements(true);
    options.addProperty("plan_cache_mode", "force_custom_plan");
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(3).setName(database.poolName("webhook-queue")))
        .connectingTo(options).using(vertx).build();
  }

  /**
   * Claims no more and gives back at once the leases of what was claimed but not sent yet; waits up to
   * the drain time for the attempts in flight to end and be recorded, then gives back the leases of
   * those still running and drops their connections.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(dueTimer);
    vertx.cancelTimer(spacingTimer);
    subscriber.close();
    List<Claimed> unsent = new ArrayList<>();
    queued.values().forEach(unsent::addAll);
    queued.clear();
    unsent.forEach(c -> inFlight.remove(c.id()));
    idle = Promise.promise();
    if (inFlight.isEmpty()) {
      idle.tryComplete();
    }
    return giveBack(unsent)
        .compose(v -> idle.future().timeout(config.shutdownDrainSeconds(), TimeUnit.SECONDS)
            .recover(timedOut -> giveBack(new ArrayList<>(inFlight.values()))))
        .eventually(() -> sender.close())
        .eventually(() -> queuePool.close());
  }

  private Future<Void> giveBack(List<Claimed> leased) {
    if (leased.isEmpty()) {
      return Future.succeededFuture();
    }
    LOG.info("giving back the leases of {} webhook deliveries", leased.size());
    return deliveries.release(leased).recover(e -> {
      LOG.warn("giving back webhook leases failed (they lapse instead): {}", e.getMessage());
      return Future.succeededFuture();
    });
  }

  private void wake(Look asked) {
    if (asked.compareTo(look) > 0) {
      look = asked;
    }
    wake();
  }

  /** Claims as much as there is room for; wake-ups while a claim runs fold into one more claim after it. */
  private void wake() {
    if (stopping) {
      return;
    }
    if (claiming) {
      wakeAgain = true;
      return;
    }
    int room = config.webhookConcurrency() - inFlight.size();
    // Claims in chunks: each claim is a transaction, so claiming for every finished attempt would cost one per delivery.
    if (room <= 0 || (room < Math.max(1, config.webhookConcurrency() / 4) && !inFlight.isEmpty())) {
      return; // every recorded attempt wakes the worker again
    }
    if (lastClaimSmall && !inFlight.isEmpty()) {
      if (spacingTimer < 0) {
        spacingTimer = vertx.setTimer(CLAIM_SPACING_MILLIS, t -> {
          spacingTimer = -1;
          lastClaimSmall = false;
          wake();
        });
      }
      return;
    }
    claiming = true;
    wakeAgain = false;
    Look looking = look;
    look = Look.PAST_CLAIMED;
    if (looking == Look.EVERYWHERE) {
      claimedUpTo.clear();
    }
    deliveries.claim(room, PREFETCH * config.webhookEndpointConcurrency(), claimedByEndpoint(), floors(looking),
            Ids.random("lease_", 20))
        .onComplete(claimed -> {
          claiming = false;
          if (claimed.failed()) {
            if (!stopping) {
              LOG.warn("claiming webhook deliveries failed: {}", claimed.cause().getMessage());
            }
            dueIn(AGAIN_MILLIS);
            return;
          }
          List<Claimed> batch = claimed.result();
          lastClaimSmall = batch.size() < SMALL_CLAIM;
          batch.forEach(c -> claimedUpTo.merge(c.endpointId(), c.due(), (a, b) -> a.compareTo(b) >= 0 ? a : b));
          batch.forEach(this::enqueue);
          batch.stream().map(Claimed::endpointId).distinct().forEach(this::dispatch);
          if (wakeAgain || batch.size() == room) {
            wake();
          } else if (inFlight.isEmpty()) {
            // Nothing held, whose end would wake the worker: sleep until the next retry (or the poll).
            deliveries.nextDue().onSuccess(millis -> dueIn(millis == null ? POLL_MILLIS : millis > 0 ? millis : AGAIN_MILLIS));
          }
        });
  }

  private void dueIn(long millis) {
    if (stopping) {
      return;
    }
    vertx.cancelTimer(dueTimer);
    dueTimer = vertx.setTimer(Math.max(1, Math.min(millis, POLL_MILLIS)), t -> wake());
  }

  private Map<String, Position> floors(Look looking) {
    if (looking == Look.PAST_CLAIMED) {
      return claimedUpTo;
    }
    Map<String, Position> floors = new HashMap<>();
    claimedUpTo.forEach((endpoint, upTo) ->
        floors.put(endpoint, new Position(upTo.at().minus(COMMIT_LAG_MILLIS, ChronoUnit.MILLIS), 0)));
    return floors;
  }

  /** Per endpoint, what this worker holds of it: queued and open. */
  private Map<String, Integer> claimedByEndpoint() {
    Map<String, Integer> held = new HashMap<>(open);
    queued.forEach((endpoint, waiting) -> held.merge(endpoint, waiting.size(), Integer::sum));
    return held;
  }

  private void enqueue(Claimed claimed) {
    inFlight.put(claimed.id(), claimed);
    queued.computeIfAbsent(claimed.endpointId(), id -> new ArrayDeque<>()).add(claimed);
  }

  /**
   * Sends the endpoint's queued deliveries while it has fewer than its bound of requests open. The
   * bound counts requests only: recording an attempt does not load the receiver, so the slot is free
   * for the next delivery as soon as the answer is in.
   */
  private void dispatch(String endpointId) {
    ArrayDeque<Claimed> waiting = queued.get(endpointId);
    while (waiting != null && !waiting.isEmpty() && open.getOrDefault(endpointId, 0) < config.webhookEndpointConcurrency()) {
      Claimed claimed = waiting.poll();
      open.merge(endpointId, 1, Integer::sum);
      attempt(claimed).onComplete(ended -> {
        // attempt() never fails: every way an attempt can go wrong is an Outcome
        open.computeIfPresent(endpointId, (id, n) -> n == 1 ? null : n - 1);
        Finished finished = new Finished(claimed, ended.result(), verdict(claimed, ended.result()));
        metrics.attempt(finished.verdict().status(), finished.outcome().durationMs());
        unrecorded.add(finished);
        record();
        dispatch(endpointId);
        wake();
      });
    }
    if (waiting != null && waiting.isEmpty()) {
      queued.remove(endpointId);
    }
  }

  /** One transaction at a time; what ends meanwhile waits for the next. */
  private void record() {
    if (recording || unrecorded.isEmpty()) {
      return;
    }
    recording = true;
    List<Finished> batch = new ArrayList<>(unrecorded.subList(0, Math.min(RECORD_BATCH, unrecorded.size())));
    unrecorded.subList(0, batch.size()).clear();
    deliveries.record(batch)
        .onFailure(e -> LOG.warn("recording {} webhook attempts failed (their leases will lapse): {}",
            batch.size(), e.getMessage()))
        .onComplete(done -> {
          recording = false;
          batch.forEach(f -> inFlight.remove(f.claimed().id()));
          if (stopping && inFlight.isEmpty()) {
            idle.tryComplete();
          }
          record();
          wake();
        });
  }

  private Future<Outcome> attempt(Claimed claimed) {
    String[] keys = claimed.sealedPreviousSecret() == null
        ? new String[] {opened(claimed.sealedSecret())}
        : new String[] {opened(claimed.sealedSecret()), opened(claimed.sealedPreviousSecret())};
    return sender.send(claimed.url(), claimed.eventId(), claimed.body(), claimed.timeoutSeconds(), keys);
  }

  private String opened(String sealed) {
    return openedSecrets.computeIfAbsent(sealed, secrets::open);
  }

  /** Success; or a retry after the scheduled wait while retries are left; or failure for good. 410 Gone also disables. */
  private Verdict verdict(Claimed claimed, Outcome outcome) {
    if (outcome.succeeded()) {
      return new Verdict(WebhookDeliveryLog.SUCCESS, null, false);
    }
    if (outcome.statusCode() != null && outcome.statusCode() == 410) {
      return new Verdict(WebhookDeliveryLog.FAILED, null, true);
    }
    int retry = claimed.attempts() + 1;
    if (retry > claimed.maxRetries()) {
      return new Verdict(WebhookDeliveryLog.FAILED, null, false);
    }
    return new Verdict(WebhookDeliveryLog.PENDING, schedule.before(retry, outcome.retryAfter()).toMillis(), false);
  }
}
