package io.convene.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

  @Test
  void defaultsComeFromConfigJson() {
    ConveneConfig config = ConfigLoader.load(new String[0], Map.of());
    assertEquals("0.0.0.0", config.httpHost());
    assertEquals(8080, config.httpPort());
    assertNull(config.databaseUrl());
    assertEquals(Path.of("./data"), config.dataDir());
    assertNull(config.adminToken());
    assertEquals(Runtime.getRuntime().availableProcessors(), config.eventLoops());
    assertTrue(config.bootstrap(), "bootstrap defaults to on with the embedded database");
    assertEquals(65536, config.maxBodyBytes());
  }

  @Test
  void fileThenEnvironmentThenCommandLine(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("convene.json");
    Files.writeString(file, "{\"http_port\": 7000, \"http_host\": \"127.0.0.1\", \"max_body_bytes\": 2048}");
    Map<String, String> env = Map.of(
        "CONVENE_CONFIG", file.toString(),
        "CONVENE_HTTP_PORT", "7001",
        "CONVENE_MAX_BODY_BYTES", "4096");
    ConveneConfig config = ConfigLoader.load(new String[] {"--http-port", "7002"}, env);
    assertEquals(7002, config.httpPort(), "command line beats environment");
    assertEquals(4096, config.maxBodyBytes(), "environment beats file");
    assertEquals("127.0.0.1", config.httpHost(), "file beats packaged defaults");
  }

  @Test
  void optionsAcceptEqualsForm() {
    ConveneConfig config = ConfigLoader.load(new String[] {"--event-loops=3", "--admin-token=s3cret"}, Map.of());
    assertEquals(3, config.eventLoops());
    assertEquals("s3cret", config.adminToken());
  }

  private static final String KEY = "dGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcy1sb25nISE=";

  @Test
  void bootstrapIsOffWithAnExternalDatabaseUnlessAskedFor() {
    String url = "postgresql://convene:pw@db.internal:5432/convene";
    assertFalse(ConfigLoader.load(new String[0], Map.of("CONVENE_DATABASE_URL", url, "CONVENE_SECRETS_KEY", KEY))
        .bootstrap());
    assertTrue(ConfigLoader.load(new String[0], Map.of("CONVENE_DATABASE_URL", url, "CONVENE_SECRETS_KEY", KEY,
        "CONVENE_BOOTSTRAP", "true")).bootstrap());
    assertFalse(ConfigLoader.load(new String[0], Map.of("CONVENE_BOOTSTRAP", "off")).bootstrap());
  }

  @Test
  void badValuesNameTheKey() {
    ConfigException port = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_HTTP_PORT", "eighty")));
    assertEquals("http_port (CONVENE_HTTP_PORT, --http-port) = 'eighty' is not a whole number", port.getMessage());

    ConfigException range = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[] {"--http-port", "70000"}, Map.of()));
    assertEquals("http_port (CONVENE_HTTP_PORT, --http-port) = '70000' must be between 0 and 65535", range.getMessage());

    ConfigException bool = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_BOOTSTRAP", "maybe")));
    assertEquals("bootstrap (CONVENE_BOOTSTRAP, --bootstrap) = 'maybe' must be true or false", bool.getMessage());

    ConfigException url = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_DATABASE_URL", "mysql://u:secret@h/db")));
    assertEquals("database_url (CONVENE_DATABASE_URL, --database-url) = 'mysql://***@h/db' is not a"
        + " postgresql://user:password@host:port/database URL", url.getMessage(), "the password is not echoed");

    ConfigException loops = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_EVENT_LOOPS", "0")));
    assertTrue(loops.getMessage().startsWith("event_loops (CONVENE_EVENT_LOOPS, --event-loops)"));
  }

  @Test
  void anExternalDatabaseNeedsASharedSecretsKey() {
    String url = "postgresql://convene:pw@db.internal:5432/convene";
    ConfigException missing = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_DATABASE_URL", url)));
    assertEquals("secrets_key (CONVENE_SECRETS_KEY, --secrets-key) must be set when database_url is: every instance"
        + " needs the same key (make one with: openssl rand -base64 32)", missing.getMessage());
    ConfigException shortKey = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_SECRETS_KEY", "c2hvcnQ=")));
    assertEquals("secrets_key (CONVENE_SECRETS_KEY, --secrets-key) = '***' is not the base64 of 32 random bytes",
        shortKey.getMessage(), "the key is not echoed");
    assertEquals(32, ConfigLoader.load(new String[0], Map.of("CONVENE_SECRETS_KEY", KEY)).secretsKeyBytes().length);
  }

  @Test
  void accessTokenKeyAndLifetime() {
    ConveneConfig defaults = ConfigLoader.load(new String[0], Map.of());
    assertNull(defaults.jwtSecret(), "no secret: the key is generated and kept in the database");
    assertEquals(3600, defaults.tokenTtlSeconds());
    String secret = "0123456789abcdef0123456789abcdef";
    ConveneConfig set = ConfigLoader.load(new String[] {"--token-ttl-seconds", "60"}, Map.of("CONVENE_JWT_SECRET", secret));
    assertEquals(secret, set.jwtSecret());
    assertEquals(60, set.tokenTtlSeconds());
    ConfigException shortSecret = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_JWT_SECRET", "too-short")));
    assertEquals("jwt_secret (CONVENE_JWT_SECRET, --jwt-secret) = '***' must be at least 32 characters"
        + " (make one with: openssl rand -base64 32)", shortSecret.getMessage(), "the secret is not echoed");
    ConfigException ttl = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_TOKEN_TTL_SECONDS", "0")));
    assertEquals("token_ttl_seconds (CONVENE_TOKEN_TTL_SECONDS, --token-ttl-seconds) = '0' must be between 1 and 86400",
        ttl.getMessage());
  }

  @Test
  void unknownOptionsAreRefused() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[] {"--http-prot", "1"}, Map.of()));
    assertTrue(e.getMessage().startsWith("unknown option --http-prot; known: "), e.getMessage());
  }

  @Test
  void unreadableConfigFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[] {"--config", missing.toString()}, Map.of()));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void webhookSettings() {
    ConveneConfig defaults = ConfigLoader.load(new String[0], Map.of());
    assertEquals(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
        Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)), defaults.webhookRetrySchedule());
    assertFalse(defaults.webhooksAllowInsecure());
    assertTrue(defaults.runs(ConveneConfig.WORKER_API) && defaults.runs(ConveneConfig.WORKER_WEBHOOKS));
    assertEquals(30, defaults.webhookLogRetentionDays());

    ConveneConfig set = ConfigLoader.load(new String[0], Map.of("CONVENE_WEBHOOK_RETRY_SCHEDULE", "1s, 2s,250ms,1d",
        "CONVENE_WEBHOOKS_ALLOW_INSECURE", "true", "CONVENE_WORKERS", "Webhooks"));
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(250), Duration.ofDays(1)),
        set.webhookRetrySchedule());
    assertTrue(set.webhooksAllowInsecure());
    assertFalse(set.runs(ConveneConfig.WORKER_API));
    assertTrue(set.runs(ConveneConfig.WORKER_WEBHOOKS));

    ConfigException schedule = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_WEBHOOK_RETRY_SCHEDULE", "5s,soon")));
    assertEquals("webhook_retry_schedule (CONVENE_WEBHOOK_RETRY_SCHEDULE, --webhook-retry-schedule) = '5s,soon' must be"
        + " durations like 5s,5m,30m,2h (units ms, s, m, h, d), comma-separated", schedule.getMessage());
    ConfigException zero = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_WEBHOOK_RETRY_SCHEDULE", "0s")));
    assertTrue(zero.getMessage().endsWith("needs each duration above zero and at most 7 days"), zero.getMessage());
    ConfigException workers = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(new String[0], Map.of("CONVENE_WORKERS", "api,calender")));
    assertEquals("workers (CONVENE_WORKERS, --workers) = 'api,calender' must list some of api, calendar, webhooks, comma-separated",
        workers.getMessage());
  }
}
