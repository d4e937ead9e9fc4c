package io.convene.config;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Convene's whole configuration, typed and validated once at start.
 *
 * @param databaseUrl  {@code null} means: run the embedded PostgreSQL under {@code dataDir}
 * @param adminToken   {@code null} means: the admin API is not mounted
 * @param bootstrap    create a first tenant and print its credentials when the database has none
 * @param rateLimitPerMinute requests per minute per credential; 0 turns rate limiting off
 * @param authFailuresPerMinute failed authentications (401s) one client address may cause per minute
 *                           before it gets 429s; 0 turns the limit off
 * @param maxAttendees       people on one meeting, per list
 * @param secretsKey         base64 of the 32-byte AES key that seals stored secrets; {@code null} means the
 *                           key file in the data directory (embedded database only)
 * @param shutdownDrainSeconds how long a stopping instance lets in-flight requests finish
 * @param jwtSecret          HMAC key that signs OAuth access tokens; {@code null} means a key generated once and
 *                           kept (sealed) in the database, shared by every instance
 * @param tokenTtlSeconds    lifetime of an OAuth access token
 * @param calendar           Google Calendar: OAuth client, endpoints and the sync worker's retry timing
 * @param workers            what this node runs: {@code api} (the HTTP surfaces), {@code webhooks} (delivery)
 * @param webhooksAllowInsecure also allow {@code http://} and private or loopback webhook targets (development, tests)
 * @param webhookRetrySchedule  the wait before each retry of a failed delivery; the last one repeats
 * @param webhookLogRetentionDays how long finished deliveries and their attempts stay in the log
 * @param webhookConcurrency         deliveries in flight at once on this node
 * @param webhookEndpointConcurrency deliveries in flight at once to one endpoint from this node
 * @param credentialCacheSize        API keys and OAuth clients (known or unknown) kept in memory at most
 * @param credentialCacheTtlSeconds  how long one is kept: the bound on a revocation whose notification was lost
 * @param meetingCacheSize           meetings kept as last seen, to work changes out from without reading first
 * @param observability     metrics (on, where served) and logs (format, access log)
 * @param minNoticeMinutes   no offered slot starts earlier than now plus this
 * @param freebusyTimeoutMs  per Google {@code freeBusy.query} call
 * @param httpHeaderTimeoutSeconds  time a new connection has to send a complete request head; 0: no limit
 * @param httpBodyTimeoutSeconds    time a request has to send its whole body once its head is in (408); 0: no limit
 * @param httpIdleTimeoutSeconds    a connection with nothing sent either way for this long is closed, and a
 *                                  kept-alive one must send its next request head within it; 0: no limit
 * @param httpMaxConnections        open connections of this process; more are refused; 0: no limit
 * @param httpMaxConnectionsPerAddress open connections from one client address; more are refused; 0: no limit
 * @param shutdownDelaySeconds on SIGTERM, how long readiness fails before the listener closes, so that load
 *                             balancers stop sending first
 * @param rateLimitScope       {@code node}: each process counts its own requests; {@code cluster}: the rate and
 *                             failed-auth limits hold across every node on the database
 * @param publicBaseUrl        absolute base of the links Convene hands out (booking URLs, manage links), no trailing slash
 * @param publicHost           {@code null}, or a host name whose requests are served as if their path began with
 *                             {@code /public}
 * @param bookingHorizonDays   bookings and public slots at most this many days ahead
 * @param publicRateLimitPerMinute requests per minute per client address on {@code /public/v1/*}; 0 turns it off
 * @param bookingTokenSecret   HMAC key that signs manage tokens; {@code null} means a key generated once and kept
 *                             (sealed) in the database, shared by every instance
 */
public record ConveneConfig(
    String httpHost,
    int httpPort,
    String databaseUrl,
    int databasePoolSize,
    Path dataDir,
    String adminToken,
    int eventLoops,
    boolean bootstrap,
    int maxBodyBytes,
    int rateLimitPerMinute,
    int authFailuresPerMinute,
    int maxAttendees,
    String secretsKey,
    int shutdownDrainSeconds,
    String jwtSecret,
    int tokenTtlSeconds,
    CalendarConfig calendar,
    Set<String> workers,
    boolean webhooksAllowInsecure,
    List<Duration> webhookRetrySchedule,
    int webhookLogRetentionDays,
    int webhookConcurrency,
    int webhookEndpointConcurrency,
    int credentialCacheSize,
    int credentialCacheTtlSeconds,
    int meetingCacheSize,
    ObservabilityConfig observability,
    int minNoticeMinutes,
    int freebusyTimeoutMs,
    int httpHeaderTimeoutSeconds,
    int httpBodyTimeoutSeconds,
    int httpIdleTimeoutSeconds,
    int httpMaxConnections,
    int httpMaxConnectionsPerAddress,
    int shutdownDelaySeconds,
    String rateLimitScope,
    String publicBaseUrl,
    String publicHost,
    int bookingHorizonDays,
    int publicRateLimitPerMinute,
    String bookingTokenSecret) {
  public static final String WORKER_API = "api";
  public static final String WORKER_WEBHOOKS = "webhooks";
  public static final String WORKER_CALENDAR = "calendar";
  private static final Set<String> KNOWN_WORKERS = Set.of(WORKER_API, WORKER_WEBHOOKS, WORKER_CALENDAR);
  public static final String SCOPE_NODE = "node";
  public static final String SCOPE_CLUSTER = "cluster";
  /** HS256 wants a key of at least its 256-bit output. */
  public static final int MIN_JWT_SECRET_LENGTH = 32;

  public boolean embeddedDatabase() {
    return databaseUrl == null;
  }

  public static ConveneConfig from(JsonObject values) {
    Values v = new Values(values);
    String databaseUrl = v.optionalString("database_url");
    if (databaseUrl != null) {
      v.check("database_url", databaseUrl, ConveneConfig::isPostgresUrl,
          "is not a postgresql://user:password@host:port/database URL");
    }
    Integer bootstrap = v.optionalBoolean("bootstrap");
    Integer loops = v.optionalInt("event_loops");
    return new ConveneConfig(
        v.requiredString("http_host"),
        v.requiredInt("http_port"),
        databaseUrl,
        v.requiredInt("database_pool_size"),
        Path.of(v.requiredString("data_dir")),
        v.optionalString("admin_token"),
        loops != null ? loops : Runtime.getRuntime().availableProcessors(),
        bootstrap != null ? bootstrap == 1 : databaseUrl == null,
        v.requiredInt("max_body_bytes"),
        v.requiredInt("rate_limit_per_minute"),
        v.requiredInt("auth_failures_per_minute"),
        v.requiredInt("max_attendees"),
        secretsKey(v, databaseUrl),
        v.requiredInt("shutdown_drain_seconds"),
        jwtSecret(v),
        v.requiredInt("token_ttl_seconds"),
        calendar(v),
        v.names("workers", KNOWN_WORKERS),
        Integer.valueOf(1).equals(v.optionalBoolean("webhooks_allow_insecure")),
        v.durations("webhook_retry_schedule", 20, Duration.ofDays(7)),
        v.requiredInt("webhook_log_retention_days"),
        v.requiredInt("webhook_concurrency"),
        v.requiredInt("webhook_endpoint_concurrency"),
        v.requiredInt("credential_cache_size"),
        v.requiredInt("credential_cache_ttl_seconds"),
        v.requiredInt("meeting_cache_size"),
        observability(v),
        v.requiredInt("min_notice_minutes"),
        v.requiredInt("freebusy_timeout_ms"),
        v.requiredInt("http_header_timeout_seconds"),
        v.requiredInt("http_body_timeout_seconds"),
        v.requiredInt("http_idle_timeout_seconds"),
        v.requiredInt("http_max_connections"),
        v.requiredInt("http_max_connections_per_address"),
        v.requiredInt("shutdown_delay_seconds"),
        v.oneOf("rate_limit_scope", Set.of(SCOPE_NODE, SCOPE_CLUSTER)),
        publicBaseUrl(v),
        v.optionalString("public_host") == null ? null : v.optionalString("public_host").toLowerCase(Locale.ROOT),
        v.requiredInt("booking_horizon_days"),
        v.requiredInt("public_rate_limit_per_minute"),
        secretOfAtLeast32(v, "booking_token_secret"));
  }

  /** The configured base, else this node on localhost. */
  private static String publicBaseUrl(Values v) {
    String url = v.optionalString("public_base_url");
    if (url == null) {
      return "http://localhost:" + v.requiredInt("http_port");
    }
    v.check("public_base_url", url, ConveneConfig::isHttpUrl, "is not an absolute http(s) URL");
    return stripTrailingSlash(url);
  }

  public boolean clusterRateLimits() {
    return SCOPE_CLUSTER.equals(rateLimitScope);
  }

  public boolean runs(String worker) {
    return workers.contains(worker);
  }

  private static ObservabilityConfig observability(Values v) {
    String format = v.requiredString("log_format").toLowerCase(Locale.ROOT);
    v.check("log_format", format, f -> f.equals(ObservabilityConfig.TEXT) || f.equals(ObservabilityConfig.JSON),
        "must be text or json");
    return new ObservabilityConfig(Integer.valueOf(1).equals(v.optionalBoolean("metrics_enabled")),
        v.optionalInt("metrics_port"), format, Integer.valueOf(1).equals(v.optionalBoolean("access_log")));
  }

  /** Both halves of the Google OAuth client, or neither; a configured client needs its callback URL. */
  private static CalendarConfig calendar(Values v) {
    String clientId = v.optionalString("google_client_id");
    String clientSecret = v.optionalString("google_client_secret");
    String redirectUri = v.optionalString("google_redirect_uri");
    if ((clientId == null) != (clientSecret == null)) {
      throw new ConfigException("google_client_id (CONVENE_GOOGLE_CLIENT_ID) and google_client_secret"
          + " (CONVENE_GOOGLE_CLIENT_SECRET) must be set together");
    }
    if (clientId != null && redirectUri == null) {
      throw new ConfigException("google_redirect_uri (CONVENE_GOOGLE_REDIRECT_URI) must be set with the Google client:"
          + " Convene's public URL of /oauth/google/callback, as registered with Google");
    }
    for (String key : new String[] {"google_redirect_uri", "google_auth_url", "google_token_url", "google_revoke_url",
        "google_api_base_url"}) {
      String url = v.optionalString(key);
      if (url != null) {
        v.check(key, url, ConveneConfig::isHttpUrl, "is not an absolute http(s) URL");
      }
    }
    return new CalendarConfig(clientId, clientSecret, redirectUri,
        v.requiredString("google_auth_url"),
        v.requiredString("google_token_url"),
        v.requiredString("google_revoke_url"),
        stripTrailingSlash(v.requiredString("google_api_base_url")),
        v.requiredInt("calendar_retry_base_ms"),
        v.requiredInt("calendar_retry_max_ms"),
        v.requiredInt("calendar_max_attempts"),
        v.requiredInt("calendar_lease_seconds"));
  }

  private static boolean isHttpUrl(String url) {
    try {
      java.net.URI uri = new java.net.URI(url);
      return uri.getHost() != null && ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()));
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The configured key, decoded; an external database needs one, shared by every instance. */
  public byte[] secretsKeyBytes() {
    return secretsKey == null ? null : java.util.Base64.getDecoder().decode(secretsKey);
  }

  public Path secretsKeyFile() {
    return dataDir.resolve("secrets.key");
  }

  private static String secretsKey(Values v, String databaseUrl) {
    String key = v.optionalString("secrets_key");
    if (key == null) {
      if (databaseUrl != null) {
        throw new ConfigException("secrets_key (CONVENE_SECRETS_KEY, --secrets-key) must be set when database_url is:"
            + " every instance needs the same key (make one with: openssl rand -base64 32)");
      }
      return null;
    }
    v.check("secrets_key", key, ConveneConfig::isSecretsKey, "is not the base64 of 32 random bytes");
    return key;
  }

  private static String jwtSecret(Values v) {
    return secretOfAtLeast32(v, "jwt_secret");
  }

  private static String secretOfAtLeast32(Values v, String key) {
    String secret = v.optionalString(key);
    if (secret != null) {
      v.check(key, secret, s -> s.length() >= MIN_JWT_SECRET_LENGTH,
          "must be at least " + MIN_JWT_SECRET_LENGTH + " characters (make one with: openssl rand -base64 32)");
    }
    return secret;
  }

  private static boolean isSecretsKey(String key) {
    try {
      return java.util.Base64.getDecoder().decode(key).length == 32;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean isPostgresUrl(String url) {
    if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
      return false;
    }
    try {
      PgConnectOptions.fromUri(url);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Reads raw values (JSON types from the file, strings from env and CLI) and names the key on error. */
  private record Values(JsonObject raw) {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    String optionalString(String key) {
      Object value = raw.getValue(key);
      if (value == null) {
        return null;
      }
      String s = value.toString().trim();
      return s.isEmpty() ? null : s;
    }

    String requiredString(String key) {
      String s = optionalString(key);
      if (s == null) {
        throw invalid(key, "", "must not be empty");
      }
      return s;
    }

    /** A whole number within the bounds of its {@link Settings} entry, or {@code null} when unset. */
    Integer optionalInt(String key) {
      Setting setting = Settings.get(key);
      int min = setting.min();
      int max = setting.max();
      String s = optionalString(key);
      if (s == null) {
        return null;
      }
      int n;
      try {
        n = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw invalid(key, s, "is not a whole number");
      }
      if (n < min || n > max) {
        throw invalid(key, s, "must be between " + min + " and " + max);
      }
      return n;
    }

    int requiredInt(String key) {
      Integer n = optionalInt(key);
      if (n == null) {
        throw invalid(key, "", "must be set");
      }
      return n;
    }

    /** 1 for true, 0 for false, null when unset. */
    Integer optionalBoolean(String key) {
      String s = optionalString(key);
      if (s == null) {
        return null;
      }
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes", "on" -> 1;
        case "false", "0", "no", "off" -> 0;
        default -> throw invalid(key, s, "must be true or false");
      };
    }

    String oneOf(String key, Set<String> known) {
      String s = requiredString(key).toLowerCase(Locale.ROOT);
      if (!known.contains(s)) {
        throw invalid(key, s, "must be one of " + String.join(", ", new TreeSet<>(known)));
      }
      return s;
    }

    /** A comma-separated list of names, each one of {@code known}; at least one. */
    Set<String> names(String key, Set<String> known) {
      String s = requiredString(key);
      Set<String> out = new LinkedHashSet<>();
      for (String part : s.split(",")) {
        String name = part.trim().toLowerCase(Locale.ROOT);
        if (!known.contains(name)) {
          throw invalid(key, s, "must list some of " + String.join(", ", new TreeSet<>(known)) + ", comma-separated");
        }
        out.add(name);
      }
      return Set.copyOf(out);
    }

    /** A comma-separated list of durations such as {@code 5s,5m,2h,1d} (also {@code ms}), each above zero. */
    List<Duration> durations(String key, int maxCount, Duration max) {
      String s = requiredString(key);
      List<Duration> out = new ArrayList<>();
      for (String part : s.split(",")) {
        Matcher m = DURATION.matcher(part.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
          throw invalid(key, s, "must be durations like 5s,5m,30m,2h (units ms, s, m, h, d), comma-separated");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
        if (d.isZero() || d.compareTo(max) > 0) {
          throw invalid(key, s, "needs each duration above zero and at most " + max.toDays() + " days");
        }
        out.add(d);
      }
      if (out.size() > maxCount) {
        throw invalid(key, s, "may list at most " + maxCount + " durations");
      }
      return List.copyOf(out);
    }

    void check(String key, String value, java.util.function.Predicate<String> ok, String problem) {
      if (!ok.test(value)) {
        throw invalid(key, ConfigLoader.redact(key, value), problem);
      }
    }

    private static ConfigException invalid(String key, String value, String problem) {
      return new ConfigException(key + " (" + ConfigLoader.envName(key) + ", " + ConfigLoader.optionName(key) + ")"
          + (value.isEmpty() ? " " : " = '" + value + "' ") + problem);
    }
  }
}
