package io.convene.webhook;

import io.convene.Ids;
import io.convene.Services;
import io.convene.config.ConveneConfig;
import io.convene.meeting.MeetingStoreVerticle;
import io.convene.secrets.SecretBox;
import io.convene.webhook.WebhookDeliveries.Claimed;
import io.convene.webhook.WebhookDeliveries.Verdict;
import io.convene.webhook.WebhookSender.Outcome;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends webhook deliveries: claims due ones with {@code FOR UPDATE SKIP LOCKED} and a lease, sends
 * each outside any transaction, records the attempt and what follows (success, a retry, giving up,
 * disabling the endpoint). Deployed once per node that runs the {@code webhooks} worker; any number of
 * nodes may share the database.
 *
 * <p>It claims when woken: at once after a commit in this process (event bus), by {@code NOTIFY} from
 * any instance (the insert trigger on {@code webhook_deliveries}), at the time the next retry or lease
 * falls due, and by a slow poll as the safety net. At most {@code webhook_concurrency} deliveries are in
 * flight, at most {@code webhook_endpoint_concurrency} per endpoint. On stop it claims no more; leases
 * of unfinished attempts lapse, and another instance takes them over.
 */
public final class WebhookDeliveryVerticle extends VerticleBase {
  public static final String CHANNEL = "convene_webhooks";
  static final long POLL_MILLIS = 30_000;
  /** After a failed claim, a lost LISTEN connection, or due work left unclaimed: look again this soon. */
  private static final long AGAIN_MILLIS = 1_000;
  private static final long RETENTION_MILLIS = 60 * 60 * 1000L;
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveryVerticle.class);

  private final Services services;
  private final ConveneConfig config;
  private WebhookDeliveries deliveries;
  private WebhookSender sender;
  private RetrySchedule schedule;
  private PgSubscriber subscriber;

  private boolean stopping;
  private boolean claiming;
  private boolean wakeAgain;
  private int inFlight;
  private final Map<String, Integer> inFlightByEndpoint = new HashMap<>();
  private long dueTimer = -1;

  public WebhookDeliveryVerticle(Services services) {
    this.services = services;
    this.config = services.config();
  }

  @Override
  public Future<?> start() {
    deliveries = new WebhookDeliveries(services.database().pool(vertx));
    sender = new WebhookSender(vertx, new WebhookTargets(vertx, config.webhooksAllowInsecure()));
    schedule = new RetrySchedule(config.webhookRetrySchedule());
    vertx.setPeriodic(POLL_MILLIS, tick -> wake());
    vertx.setPeriodic(RETENTION_MILLIS, tick -> deliveries.expire(config.webhookLogRetentionDays())
        .onFailure(e -> LOG.warn("webhook log retention failed: {}", e.getMessage())));
    subscriber = PgSubscriber.subscriber(vertx, services.database().connectOptions())
        .reconnectPolicy(retries -> AGAIN_MILLIS);
    // Notifications sent while the listening connection was down are lost: claim on every (re)subscribe.
    subscriber.channel(CHANNEL).subscribeHandler(v -> wake()).handler(payload -> wake());
    return vertx.eventBus().localConsumer(MeetingStoreVerticle.COMMITTED, message -> wake()).completion()
        .compose(v -> subscriber.connect())
        .onSuccess(v -> wake());
  }

  /** Claims no more; what is in flight may still finish and record, else its lease lapses. Never waits. */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(dueTimer);
    subscriber.close();
    return Future.succeededFuture();
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
    int room = config.webhookConcurrency() - inFlight;
    if (room <= 0) {
      return; // every finishing attempt wakes the worker again
    }
    claiming = true;
    wakeAgain = false;
    deliveries.claim(room, config.webhookEndpointConcurrency(), Map.copyOf(inFlightByEndpoint), Ids.random("lease_", 20))
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
          batch.forEach(this::deliver);
          if (wakeAgain || batch.size() == room) {
            wake();
          } else {
            // Due but unclaimed (another worker was claiming it, or its endpoint is at its bound): look again soon.
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

  private void deliver(Claimed claimed) {
    inFlight++;
    inFlightByEndpoint.merge(claimed.endpointId(), 1, Integer::sum);
    Future.succeededFuture(claimed)
        .compose(this::attempt)
        .compose(outcome -> deliveries.record(claimed, outcome, verdict(claimed, outcome)))
        .onFailure(e -> {
          if (!stopping) {
            LOG.warn("recording delivery {} failed (its lease will lapse): {}", claimed.id(), e.getMessage());
          }
        })
        .onComplete(done -> {
          inFlight--;
          inFlightByEndpoint.computeIfPresent(claimed.endpointId(), (id, n) -> n == 1 ? null : n - 1);
          wake();
        });
  }

  private Future<Outcome> attempt(Claimed claimed) {
    SecretBox secrets = services.secrets();
    String[] keys = claimed.sealedPreviousSecret() == null
        ? new String[] {secrets.open(claimed.sealedSecret())}
        : new String[] {secrets.open(claimed.sealedSecret()), secrets.open(claimed.sealedPreviousSecret())};
    return sender.send(claimed.url(), claimed.eventId(), claimed.body(), claimed.timeoutSeconds(), keys);
  }

  /** Success; or a retry after the scheduled wait while retries are left; or failure for good. 410 Gone also disables. */
  private Verdict verdict(Claimed claimed, Outcome outcome) {
    if (outcome.succeeded()) {
      return new Verdict(WebhookDeliveries.SUCCESS, null, false);
    }
    if (outcome.statusCode() != null && outcome.statusCode() == 410) {
      return new Verdict(WebhookDeliveries.FAILED, null, true);
    }
    int retry = claimed.attempts() + 1;
    if (retry > claimed.maxRetries()) {
      return new Verdict(WebhookDeliveries.FAILED, null, false);
    }
    return new Verdict(WebhookDeliveries.PENDING, schedule.before(retry, outcome.retryAfter()).toMillis(), false);
  }
}
