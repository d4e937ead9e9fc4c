package io.convene.config;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Convene's whole configuration, typed and validated once at start.
 *
 * @param databaseUrl  {@code null} means: run the embedded PostgreSQL under {@code dataDir}
 * @param adminToken   {@code null} means: the admin API is not mounted
 * @param bootstrap    create a first tenant and print its credentials when the database has none
 * @param rateLimitPerMinute requests per minute per credential; 0 turns rate limiting off
 * @param maxAttendees       people on one meeting, per list
 * @param secretsKey         base64 of the 32-byte AES key that seals stored secrets; {@code null} means the
 *                           key file in the data directory (embedded database only)
 * @param calendar           Google Calendar: OAuth client, endpoints and the sync worker's retry timing
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
    int maxAttendees,
    String secretsKey,
    CalendarConfig calendar) {

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
    Integer loops = v.optionalInt("event_loops", 1, 256);
    return new ConveneConfig(
        v.requiredString("http_host"),
        v.requiredInt("http_port", 0, 65535),
        databaseUrl,
        v.requiredInt("database_pool_size", 1, 1000),
        Path.of(v.requiredString("data_dir")),
        v.optionalString("admin_token"),
        loops != null ? loops : Runtime.getRuntime().availableProcessors(),
        bootstrap != null ? bootstrap == 1 : databaseUrl == null,
        v.requiredInt("max_body_bytes", 1024, 64 * 1024 * 1024),
        v.requiredInt("rate_limit_per_minute", 0, 100_000_000),
        v.requiredInt("max_attendees", 1, 10_000),
        secretsKey(v, databaseUrl),
        calendar(v));
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
        v.requiredInt("calendar_retry_base_ms", 1, 3_600_000),
        v.requiredInt("calendar_retry_max_ms", 1, 86_400_000),
        v.requiredInt("calendar_max_attempts", 1, 100),
        v.requiredInt("calendar_lease_seconds", 1, 3600));
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

    Integer optionalInt(String key, int min, int max) {
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

    int requiredInt(String key, int min, int max) {
      Integer n = optionalInt(key, min, max);
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

    void check(String key, String value, java.util.function.Predicate<String> ok, String problem) {
      if (!ok.test(value)) {
        throw invalid(key, redact(key, value), problem);
      }
    }

    private static String redact(String key, String value) {
      return switch (key) {
        case "database_url" -> value.replaceAll("://[^@/]*@", "://***@");
        case "secrets_key", "admin_token", "google_client_secret" -> "***";
        default -> value;
      };
    }

    private static ConfigException invalid(String key, String value, String problem) {
      return new ConfigException(key + " (" + ConfigLoader.envName(key) + ", " + ConfigLoader.optionName(key) + ")"
          + (value.isEmpty() ? " " : " = '" + value + "' ") + problem);
    }
  }
}
