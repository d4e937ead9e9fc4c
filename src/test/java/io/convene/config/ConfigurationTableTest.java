package io.convene.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README's configuration table is the {@link Settings} table: every row, in order, word for word. */
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
}
