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
    return error instanceof java.net.SocketException
        || error instanceof java.nio.channels.ClosedChannelException
        || error instanceof io.vertx.core.VertxException
        || error instanceof java.util.concurrent.TimeoutException
        || error instanceof io.netty.channel.ConnectTimeoutException;
  }
}
