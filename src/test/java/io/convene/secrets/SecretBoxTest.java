package io.convene.secrets;

import io.convene.TestApp;
import io.convene.TestDatabase;
import io.convene.config.ConfigException;
import io.convene.db.Database;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class SecretBoxTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
  private static final byte[] OTHER_KEY = "fedcba9876543210fedcba9876543210".getBytes();

  @Test
  void sealsAndOpens() {
    SecretBox box = new SecretBox(KEY);
    String sealed = box.seal("whsec_c2VjcmV0");
    assertTrue(sealed.startsWith("v1:"));
    assertFalse(sealed.contains("whsec_"));
    assertNotEquals(sealed, box.seal("whsec_c2VjcmV0"), "a fresh nonce every time");
    assertEquals("whsec_c2VjcmV0", box.open(sealed));
  }

  @Test
  void anotherKeyOrATamperedValueCannotOpen() {
    String sealed = new SecretBox(KEY).seal("refresh-token");
    assertThrows(SecretBox.SecretBoxException.class, () -> new SecretBox(OTHER_KEY).open(sealed));
    char last = sealed.charAt(sealed.length() - 3);
    String tampered = sealed.substring(0, sealed.length() - 3) + (last == 'A' ? 'B' : 'A') + sealed.substring(sealed.length() - 2);
    assertThrows(SecretBox.SecretBoxException.class, () -> new SecretBox(KEY).open(tampered));
    assertThrows(SecretBox.SecretBoxException.class, () -> new SecretBox(KEY).open("plain"));
  }

  @Test
  void keyFileIsCreatedOnceOwnerOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data").resolve("secrets.key");
    String sealed = SecretBox.fromKeyFile(file).seal("x");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("x", SecretBox.fromKeyFile(file).open(sealed), "the same key on the next start");
    Files.writeString(file, "not base64!");
    ConfigException e = assertThrows(ConfigException.class, () -> SecretBox.fromKeyFile(file));
    assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
  }

  @Test
  void aStartWithAnotherKeyIsRefused(Vertx vertx) {
    Database database = TestDatabase.fresh();
    TestApp.start(vertx, database, Map.of()).await();
    Vertx second = Vertx.vertx();
    try {
      Throwable refused = assertThrows(Throwable.class, () -> TestApp.start(second, database,
          Map.of("CONVENE_SECRETS_KEY", "b3RoZXItc2VjcmV0cy1rZXktMzItYnl0ZXMtbG9uZyE=")).await());
      assertEquals("secrets_key (CONVENE_SECRETS_KEY) is not the key this database's secrets were sealed with;"
          + " start with the original key", refused.getMessage());
    } finally {
      second.close().await();
    }
  }
}
