package io.convene.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's configuration table is the {@link Settings} table: every row, in order, word for word; and
 * {@code conf/config.json}, the defaults Convene starts from, holds the table's defaults, key by key, in order.
 */
class ConfigurationTableTest {
  private static final String HEADER = "| key / environment variable | default | meaning |";

  @Test
  void readmeListsEverySettingAsTheCodeDefinesIt() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf(HEADER);
    assertTrue(start >= 0, "README has no configuration table");
    int end = readme.indexOf("\n\n", start);
    String table = readme.substring(start, end + 1);
    assertEquals(Settings.readmeTable(), table,
        "README's configuration table differs from io.convene.config.Settings; the table the code defines is above");
  }

  @Test
  void confConfigJsonHoldsTheDefaultsOfTheTable() throws IOException {
    JsonObject file = new JsonObject(Files.readString(Path.of("conf/config.json")));
    assertEquals(Settings.defaults().encodePrettily(), file.encodePrettily(),
        "conf/config.json differs from the defaults of io.convene.config.Settings (expected above)");
    assertEquals(file, ConfigLoader.packagedDefaults(), "the jar packages another config.json than conf/");
  }
}
