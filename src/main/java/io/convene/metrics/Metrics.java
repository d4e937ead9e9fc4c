package io.convene.metrics;

import io.convene.config.ObservabilityConfig;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/**
 * Prometheus metrics through Vert.x's own Micrometer binding: HTTP requests by method, route template and
 * status class, the database pool, the JVM; and Convene's own meters (see {@code observability.MetricsVerticle}).
 */
public final class Metrics {
  static final String REGISTRY = "convene";
  /** Histogram buckets of every latency Convene publishes: 0.5 ms to 30 s. */
  private static final double[] BUCKETS_SECONDS = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  private static final double NANOS_PER_SECOND = 1e9;
  private static final String HTTP_SERVER = "vertx.http.server.";
  /** The type the SQL client reports its client metrics under. */
  private static final String SQL_CLIENT = "sql";

  private Metrics() {
  }

  /** Vert.x as Convene runs it: {@code options}, plus the metrics when they are on. */
  public static Vertx vertx(VertxOptions options, ObservabilityConfig config) {
    if (!config.metricsEnabled()) {
      return Vertx.vertx(options);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new RouteAndStatusClass()).meterFilter(new LatencyHistograms());
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(REGISTRY)
        .setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        // Never the raw path, the remote address or an event-bus address: bounded label values only.
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME))
        // The store is called over the (local) event bus on every request, and runs a query or two: their
        // meters would add to each request. The pool meters say what matters about the database (and the SQL
        // client's own pending gauge collides between the loops' clients).
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)
        .addDisabledMetricsCategory(SQL_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
        .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET);
    return Vertx.builder().with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }

  /** This Vert.x's registry, or {@code null} when it runs without metrics. */
  public static MeterRegistry registry(Vertx vertx) {
    return vertx.isMetricsEnabled() ? BackendRegistries.getNow(REGISTRY) : null;
  }

  public static PrometheusMeterRegistry prometheus(Vertx vertx) {
    return registry(vertx) instanceof PrometheusMeterRegistry prometheus ? prometheus : null;
  }

  /**
   * Vert.x-Web reports every route a request passed, joined with {@code >} (the middleware's {@code /v1/*} and the
   * endpoint's template): the label keeps the last, the endpoint's template. The status code becomes its class.
   */
  private static final class RouteAndStatusClass implements MeterFilter {
    @Override
    public Meter.Id map(Meter.Id id) {
      if (!id.getName().startsWith(HTTP_SERVER)) {
        return id;
      }
      List<Tag> tags = new ArrayList<>();
      for (Tag tag : id.getTagsAsIterable()) {
        switch (tag.getKey()) {
          case "route" -> tags.add(Tag.of("route", tag.getValue().substring(tag.getValue().lastIndexOf('>') + 1)));
          case "code" -> tags.add(Tag.of("status_class", tag.getValue().charAt(0) + "xx"));
          default -> tags.add(tag);
        }
      }
      return id.replaceTags(tags);
    }
  }

  /** Buckets for the latencies worth a histogram; Vert.x's other timers stay sums and counts. */
  private static final class LatencyHistograms implements MeterFilter {
    private static final List<String> NAMES = List.of(HTTP_SERVER + "response.time", "vertx.pool.queue.time",
        "vertx.pool.usage", EventLoopProbe.DELAY, DeliveryMetrics.ATTEMPT_DURATION);

    @Override
    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
      if (!NAMES.contains(id.getName())) {
        return config;
      }
      return DistributionStatisticConfig.builder()
          .serviceLevelObjectives(Arrays.stream(BUCKETS_SECONDS).map(seconds -> seconds * NANOS_PER_SECOND).toArray())
          .build().merge(config);
    }
  }
}
