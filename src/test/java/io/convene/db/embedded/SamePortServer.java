package io.convene.db.embedded;

import java.nio.file.Path;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An embedded PostgreSQL that a test can start again in the same data directory and on the same port, as
 * a restarted database server is found again by the clients that knew it. Closing it stops both and gives
 * the port choice back.
 */
final class SamePortServer implements AutoCloseable {
  private final Path dir;
  private final int port = EmbeddedPostgres.freePort();
  private final IntSupplier previousPorts = EmbeddedPostgres.portChooser;
  private final EmbeddedPostgres first;
  private EmbeddedPostgres again;

  SamePortServer(Path dir) {
    this.dir = dir;
    EmbeddedPostgres.portChooser = () -> port;
    try {
      first = EmbeddedPostgres.start(dir);
    } catch (RuntimeException e) {
      EmbeddedPostgres.portChooser = previousPorts;
      throw e;
    }
  }

  EmbeddedPostgres first() {
    return first;
  }

  /** The server started again after the first stopped or died; on the first one's port. */
  EmbeddedPostgres startAgain() {
    again = EmbeddedPostgres.start(dir);
    assertEquals(port, again.port());
    return again;
  }

  @Override
  public void close() {
    EmbeddedPostgres.portChooser = previousPorts;
    if (again != null) {
      again.close();
    }
    first.close();
  }
}
