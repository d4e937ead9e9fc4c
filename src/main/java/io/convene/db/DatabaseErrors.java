package io.convene.db;

import io.vertx.pgclient.PgException;

/** Tells a database that cannot be reached (retry later) from one that answered with an error (a bug). */
public final class DatabaseErrors {
  private DatabaseErrors() {
  }

  public static boolean isUnavailable(Throwable error) {
    if (error instanceof PgException pg) {
      // Class 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
      String state = pg.getSqlState();
      return state != null && (state.startsWith("08") || state.startsWith("57P"));
    }
    // Any I/O failure of the connection ("Connection reset by peer" comes as a plain IOException; refused,
    // closed channels and connect timeouts are IOExceptions too).
    return error instanceof java.io.IOException
        || error instanceof io.vertx.core.VertxException
        || error instanceof java.util.concurrent.TimeoutException;
  }
}
