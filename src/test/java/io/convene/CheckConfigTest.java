package io.convene;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar convene.jar --check-config}: the effective configuration, secrets redacted, and an exit status. */
class CheckConfigTest {
  private static final String KEY = "dGVzdC1zZWNyZXRzLWtleS0zMi1ieXRlcy1sb25nISE=";

  private record Run(int status, String out, String err) {
  }

  private static Run check(String[] args, Map<String, String> env) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.checkConfig(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsEveryKeyWithItsSourceAndRedactsSecrets(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("convene.json");
    Files.writeString(file, "{\"max_attendees\": 50}");
    Run run = check(new String[] {"--http-port", "9090", "--config", file.toString()}, Map.of(
        "CONVENE_DATABASE_URL", "postgresql://convene:db-pass-123@db.internal:5432/convene",
        "CONVENE_SECRETS_KEY", KEY,
        "CONVENE_ADMIN_TOKEN", "admin-token-xyz",
        "CONVENE_JWT_SECRET", "jwt-secret-jwt-secret-jwt-secret-0123"));
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("Configuration is valid (secrets redacted):"), run.out());
    assertTrue(run.out().contains("http_port                      = 9090 (cli)"), run.out());
    assertTrue(run.out().contains("max_attendees                  = 50 (file)"), run.out());
    assertTrue(run.out().contains("database_url                   = postgresql://***@db.internal:5432/convene (env)"), run.out());
    assertTrue(run.out().contains("admin_token                    = *** (env)"), run.out());
    assertTrue(run.out().contains("secrets_key                    = *** (env)"), run.out());
    assertTrue(run.out().contains("google_client_secret           = (unset) (default)"), run.out());
    assertTrue(run.out().contains("rate_limit_scope               = node (default)"), run.out());
    for (String secret : new String[] {"db-pass-123", KEY, "admin-token-xyz", "jwt-secret-jwt"}) {
      assertFalse(run.out().contains(secret), "a secret was printed: " + secret);
    }
  }

  @Test
  void anInvalidValueExitsNonZeroNamingTheKey() {
    Run run = check(new String[0], Map.of("CONVENE_RATE_LIMIT_SCOPE", "galaxy"));
    assertEquals(2, run.status());
    assertEquals("convene: configuration error: rate_limit_scope (CONVENE_RATE_LIMIT_SCOPE, --rate-limit-scope)"
        + " = 'galaxy' must be one of cluster, node" + System.lineSeparator(), run.err());
    assertEquals("", run.out());
  }

  @Test
  void aMissingSecretsKeyWithAnExternalDatabaseIsAnError() {
    Run run = check(new String[0], Map.of("CONVENE_DATABASE_URL", "postgresql://convene:pw@db:5432/convene"));
    assertEquals(2, run.status());
    assertTrue(run.err().startsWith("convene: configuration error: secrets_key (CONVENE_SECRETS_KEY, --secrets-key) must be set"),
        run.err());
  }
}
