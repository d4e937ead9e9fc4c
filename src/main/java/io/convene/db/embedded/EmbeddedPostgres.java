package io.convene.db.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private, real PostgreSQL server in a data directory of Convene's own, for when no external
 * database is configured (and for tests).
 *
 * <p>Layout of {@code dataDir}: {@code postgres/} (PGDATA, kept across restarts), {@code
 * postgres.password} (0600, the generated password of user {@code convene}), {@code postgres.log}
 * (server log), {@code convene.lock} (held while an instance runs) and {@code pg-dist/<hash>/}
 * (the server binaries, extracted from the classpath).
 *
 * <p>The server listens on 127.0.0.1 only, on a free port chosen at each start, with no Unix
 * socket, and with PostgreSQL's durable defaults (fsync, synchronous_commit and full_page_writes
 * on). Closing stops it; a server orphaned by a crashed JVM is stopped at the next start.
 */
public final class EmbeddedPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  static final String HOST = "127.0.0.1";
  static final String DATABASE = "convene";
  static final String USER = "convene";

  /** Chooses the port for each start attempt; replaced by tests to provoke a taken port. */
  static volatile IntSupplier portChooser = EmbeddedPostgres::freePort;

  private final Path dataDir;
  private final Path pgData;
  private final Path logFile;
  private final Path pgCtl;
  private final RunAs runAs;
  private final DataDirLock lock;
  private final int port;
  private final String password;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Server server;
  /** Set by {@link #supervise}; stopped by {@link #close()}. */
  private volatile Supervisor supervisor;

  private EmbeddedPostgres(Server server, DataDirLock lock, int port) {
    this.server = server;
    this.dataDir = server.dataDir;
    this.pgData = server.pgData;
    this.logFile = server.logFile;
    this.pgCtl = server.pgCtl;
    this.runAs = server.runAs;
    this.password = server.password;
    this.lock = lock;
    this.port = port;
  }

  /**
   * Blocking. Extracts the binaries if needed, runs initdb if {@code <dataDir>/postgres} is not
   * initialised yet, starts the server on a free loopback port and waits until it accepts
   * connections and database {@code convene} exists.
   *
   * @throws EmbeddedPostgresException if the data directory is unusable, the platform has no
   *     binaries, or initdb / pg_ctl fail
   */
  public static EmbeddedPostgres start(Path dataDir) {
    Objects.requireNonNull(dataDir, "dataDir");
    long t0 = System.nanoTime();
    Path dir = ServerSetup.prepareDataDir(dataDir.toAbsolutePath().normalize());
    DataDirLock lock = DataDirLock.acquire(dir);
    try {
      Server server = new Server(dir);
      server.prepare();
      int port = server.start(portChooser);
      EmbeddedPostgres pg = new EmbeddedPostgres(server, lock, port);
      log.info(
          "Embedded PostgreSQL started on {}:{} (data {}, {} ms)",
          HOST,
          port,
          server.pgData,
          (System.nanoTime() - t0) / 1_000_000);
      return pg;
    } catch (RuntimeException | Error e) {
      lock.release();
      throw e;
    }
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  public String database() {
    return DATABASE;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return password;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE;
  }

  /**
   * Blocking and idempotent: stops the server ({@code pg_ctl stop -m fast}, then {@code -m
   * immediate} if that fails or times out) and releases the data directory.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Supervisor watching = supervisor;
    if (watching != null) {
      watching.stop();
    }
    try {
      Server.stop(runAs, pgCtl, pgData, logFile);
      log.info("Embedded PostgreSQL stopped (data {})", pgData);
    } finally {
      lock.release();
    }
  }

  /**
   * Test hook simulating a crashed JVM: releases the data directory lock but leaves the server
   * running, as a killed JVM would. {@link #close()} does nothing afterwards.
   */
  void simulateCrashForTesting() {
    closed.set(true);
    lock.release();
  }

  /**
   * Watches the server from now on: when it exits without {@link #close()} (a crash, an OOM kill, a
   * {@code kill -9}), it is started again on the same port, so the pool reconnects by itself, after
   * 1, 2, 4, 8, 16 s. A restart that fails, and one whose server dies again within a minute, count as
   * a failure; after {@value #MAX_RESTARTS} in a row {@code giveUp} gets the reason (the server log's
   * last lines or the start's error) and nothing is tried again. Meanwhile the database is unreachable,
   * so requests and readiness answer 503.
   */
  public void supervise(java.util.function.Consumer<String> giveUp) {
    supervise(Duration.ofSeconds(1), MAX_RESTARTS, giveUp);
  }

  /** {@link #supervise(java.util.function.Consumer)} with another first backoff and bound (tests). */
  void supervise(Duration firstBackoff, int maxRestarts, java.util.function.Consumer<String> giveUp) {
    Supervisor watching = new Supervisor(this, server, firstBackoff, maxRestarts, giveUp);
    supervisor = watching;
    watching.start();
  }

  private static final int MAX_RESTARTS = 5;

  /** Whether {@link #close()} has begun (or a crash was simulated): the supervisor then stops looking. */
  boolean isClosed() {
    return closed.get();
  }

  @Override
  public String toString() {
    return "EmbeddedPostgres[" + HOST + ":" + port + ", " + dataDir + "]";
  }

  /** A port that was free on 127.0.0.1 a moment ago (bound to port 0, then released). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new EmbeddedPostgresException("cannot find a free port on " + HOST + ": " + e, e);
    }
  }
}
