package io.convene.db.embedded;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs on a thread of its own (it starts PostgreSQL, which blocks): never on an event loop. */
final class Supervisor {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  /** How often the supervisor looks at the postmaster (a read of /proc). */
  private static final long CHECK_MS = 500;
  /** A restarted server that has run this long is healthy again: earlier failures are forgotten. */
  private static final Duration STABLE = Duration.ofMinutes(1);

  private final EmbeddedPostgres pg;
  private final Server server;
  private final Duration firstBackoff;
  private final int maxRestarts;
  private final java.util.function.Consumer<String> giveUp;
  private final java.util.concurrent.ScheduledExecutorService thread =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "embedded-postgres-supervisor");
        t.setDaemon(true);
        return t;
      });
  private long pid;
  private long upSince = System.nanoTime();
  private int failures;
  /** While the server is down: when to try the next start. */
  private long retryAt = -1;
  private long logOffset;

  Supervisor(EmbeddedPostgres pg, Server server, Duration firstBackoff, int maxRestarts,
      java.util.function.Consumer<String> giveUp) {
    this.pg = pg;
    this.server = server;
    this.firstBackoff = firstBackoff;
    this.maxRestarts = maxRestarts;
    this.giveUp = giveUp;
  }

  void start() {
    pid = Processes.postmasterPid(server.pgData.resolve("postmaster.pid"));
    logOffset = Processes.size(server.logFile);
    thread.scheduleWithFixedDelay(this::check, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
  }

  void stop() {
    thread.shutdown();
  }

  private void check() {
    if (pg.isClosed()) {
      return;
    }
    long now = System.nanoTime();
    if (retryAt < 0) {
      if (Processes.isLivePostgres(pid)) {
        if (failures > 0 && now - upSince > STABLE.toNanos()) {
          failures = 0;
        }
        return;
      }
      String why = Commands.tail(server.readLogFrom(logOffset), 5).trim();
      log.warn("Embedded PostgreSQL (pid {}) exited on its own; restarting it on port {}. Its log: {}", pid, pg.port(),
          why.isEmpty() ? "(nothing)" : why);
      if (++failures > maxRestarts) {
        fail("it exited " + failures + " times within a minute of starting; last log lines: " + why);
        return;
      }
      retryAt = now + backoff();
      return;
    }
    if (now < retryAt) {
      return;
    }
    logOffset = Processes.size(server.logFile);
    try {
      server.stopOrphans();
      server.start(pg::port);
      pid = Processes.postmasterPid(server.pgData.resolve("postmaster.pid"));
      upSince = System.nanoTime();
      retryAt = -1;
      log.info("Embedded PostgreSQL restarted on {}:{} (pid {}, attempt {} of {})", pg.host(), pg.port(), pid, failures,
          maxRestarts);
    } catch (RuntimeException e) {
      log.warn("Restarting the embedded PostgreSQL failed (attempt {} of {}): {}", failures, maxRestarts,
          e.getMessage());
      if (++failures > maxRestarts) {
        fail(maxRestarts + " restarts failed; the last: " + e.getMessage());
        return;
      }
      retryAt = System.nanoTime() + backoff();
    }
  }

  /** 1, 2, 4, ... times the first backoff, for the failures so far. */
  private long backoff() {
    return firstBackoff.toNanos() << Math.min(failures - 1, 16);
  }

  private void fail(String reason) {
    thread.shutdown();
    giveUp.accept("the embedded PostgreSQL (" + server.pgData + ") could not be kept running: " + reason);
  }
}
