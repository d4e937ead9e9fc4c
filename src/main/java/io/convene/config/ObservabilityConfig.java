package io.convene.config;

/**
 * Metrics and logs.
 *
 * @param metricsEnabled Prometheus metrics (Vert.x's HTTP, pool and JVM meters and Convene's own); off, Vert.x
 *                       runs without a metrics SPI, so requests pay nothing for them
 * @param metricsPort    {@code null}: {@code /metrics} is served on the API port behind the admin token; else on
 *                       this port of {@code http_host}, without authentication (keep it off the public network)
 * @param logFormat      {@code text} or {@code json} (one JSON object a line, with request id, tenant and route)
 * @param accessLog      one log line per request: method, route template, status, duration
 */
public record ObservabilityConfig(boolean metricsEnabled, Integer metricsPort, String logFormat, boolean accessLog) {
  public static final String TEXT = "text";
  public static final String JSON = "json";

  public boolean jsonLogs() {
    return JSON.equals(logFormat);
  }
}
