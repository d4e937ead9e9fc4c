package io.convene.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.util.concurrent.TimeUnit;

/**
 * How late a timer fires on this event loop: the time a request arriving now would wait before its
 * handler runs. One instance per event loop; a tick a second costs nothing measurable.
 */
public final class EventLoopProbe extends VerticleBase {
  static final String DELAY = "convene.event.loop.delay";
  private static final long INTERVAL_MS = 1_000;

  private final MeterRegistry registry;

  public EventLoopProbe(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Timer delay = Timer.builder(DELAY)
        .description("How late a 1 s timer fires on the event loop")
        .tag("loop", Thread.currentThread().getName())
        .register(registry);
    long[] expected = {System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS)};
    vertx.setPeriodic(INTERVAL_MS, tick -> {
      long now = System.nanoTime();
      delay.record(Math.max(0, now - expected[0]), TimeUnit.NANOSECONDS);
      expected[0] = now + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
    });
    return Future.succeededFuture();
  }
}
