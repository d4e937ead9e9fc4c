package io.convene.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Webhook attempts by outcome, and how long each took; nothing at all when metrics are off. */
public final class DeliveryMetrics {
  static final String ATTEMPTS = "convene.webhook.attempts";
  static final String ATTEMPT_DURATION = "convene.webhook.attempt.duration";

  private final MeterRegistry registry;
  private final Timer duration;
  private final Map<String, Counter> byOutcome = new ConcurrentHashMap<>();

  private DeliveryMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duration = registry == null ? null : Timer.builder(ATTEMPT_DURATION)
        .description("Webhook attempts: from connecting to the receiver's answer (or the timeout)")
        .register(registry);
  }

  public static DeliveryMetrics of(Vertx vertx) {
    return new DeliveryMetrics(Metrics.registry(vertx));
  }

  /**
   * @param outcome what the attempt made of the delivery: {@code success}, {@code pending} (a retry is
   *                scheduled) or {@code failed} (for good)
   */
  public void attempt(String outcome, long durationMs) {
    if (registry == null) {
      return;
    }
    duration.record(durationMs, TimeUnit.MILLISECONDS);
    byOutcome.computeIfAbsent(outcome, o -> Counter.builder(ATTEMPTS)
        .description("Webhook attempts by what they made of the delivery")
        .tag("outcome", o)
        .register(registry)).increment();
  }
}
