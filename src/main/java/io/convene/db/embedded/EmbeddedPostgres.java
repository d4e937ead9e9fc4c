package io.convene.db.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

  private static final String HOST = "127.0.0.1";
  private static final String DATABASE = "convene";
  private static final String USER = "convene";

  private static final int START_ATTEMPTS = 3;
  private static final long MAX_LOG_BYTES = 10L * 1024 * 1024;
  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);
  /** pg_ctl start -t 60, plus slack for pg_ctl itself. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(75);
  /** pg_ctl stop -t 30, plus slack. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  /** Chooses the port for each start attempt; replaced by tests to provoke a taken port. */
  static volatile IntSupplier portChooser = EmbeddedPostgres::freePort;

  /** Data directories locked by this JVM (a second FileChannel on the lock would drop the lock). */
  private static final Set<Path> lockedInThisJvm = new HashSet<>(); // guarded by itself

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
    Path dir = prepareDataDir(dataDir.toAbsolutePath().normalize());
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
    Supervisor watching = new Supervisor(firstBackoff, maxRestarts, giveUp);
    supervisor = watching;
    watching.start();
  }

  private static final int MAX_RESTARTS = 5;
  /** How often the supervisor looks at the postmaster (a read of /proc). */
  private static final long CHECK_MS = 500;
  /** A restarted server that has run this long is healthy again: earlier failures are forgotten. */
  private static final Duration STABLE = Duration.ofMinutes(1);

  /** Runs on a thread of its own (it starts PostgreSQL, which blocks): never on an event loop. */
  private final class Supervisor {
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

    Supervisor(Duration firstBackoff, int maxRestarts, java.util.function.Consumer<String> giveUp) {
      this.firstBackoff = firstBackoff;
      this.maxRestarts = maxRestarts;
      this.giveUp = giveUp;
    }

    void start() {
      pid = postmasterPid(pgData.resolve("postmaster.pid"));
      logOffset = size(logFile);
      thread.scheduleWithFixedDelay(this::check, CHECK_MS, CHECK_MS, TimeUnit.MILLISECONDS);
    }

    void stop() {
      thread.shutdown();
    }

    private void check() {
      if (closed.get()) {
        return;
      }
      long now = System.nanoTime();
      if (retryAt < 0) {
        if (isLivePostgres(pid)) {
          if (failures > 0 && now - upSince > STABLE.toNanos()) {
            failures = 0;
          }
          return;
        }
        String why = Commands.tail(server.readLogFrom(logOffset), 5).trim();
        log.warn("Embedded PostgreSQL (pid {}) exited on its own; restarting it on port {}. Its log: {}", pid, port,
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
      logOffset = size(logFile);
      try {
        server.stopOrphans();
        server.start(() -> port);
        pid = postmasterPid(pgData.resolve("postmaster.pid"));
        upSince = System.nanoTime();
        retryAt = -1;
        log.info("Embedded PostgreSQL restarted on {}:{} (pid {}, attempt {} of {})", HOST, port, pid, failures,
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
      giveUp.accept("the embedded PostgreSQL (" + pgData + ") could not be kept running: " + reason);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedPostgres[" + HOST + ":" + port + ", " + dataDir + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // data directory

  private static EmbeddedPostgresException unusable(Path dir, String reason, Throwable cause) {
    return new EmbeddedPostgresException(
        "Embedded PostgreSQL data directory "
            + dir
            + " is not usable: "
            + reason
            + ". Set CONVENE_DATA_DIR to a writable directory (or CONVENE_DATABASE_URL to use an"
            + " external PostgreSQL server).",
        cause);
  }

  private static Path prepareDataDir(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw unusable(dir, "it exists but is not a directory", null);
    }
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw unusable(dir, "it exists but is not a directory", e);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      throw unusable(dir, "it cannot be created (" + e + ")", e);
    }
    if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
      throw unusable(dir, "it is not writable", null);
    }
    return dir;
  }

  /** An exclusive lock on {@code <dataDir>/convene.lock}, held for an instance's lifetime. */
  private static final class DataDirLock {
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final AtomicBoolean released = new AtomicBoolean();

    private DataDirLock(Path key, FileChannel channel, FileLock lock) {
      this.key = key;
      this.channel = channel;
      this.lock = lock;
    }

    static DataDirLock acquire(Path dir) {
      Path lockFile = dir.resolve("convene.lock");
      Path key;
      try {
        key = dir.toRealPath();
      } catch (IOException e) {
        throw unusable(dir, "it cannot be resolved (" + e + ")", e);
      }
      synchronized (lockedInThisJvm) {
        if (!lockedInThisJvm.add(key)) {
          throw inUse(dir, "this JVM already runs an embedded PostgreSQL server in it");
        }
      }
      FileChannel channel = null;
      try {
        channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          String holder = "";
          try {
            holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
          } catch (IOException ignored) {
            // best effort
          }
          throw inUse(dir, holder.isEmpty() ? "" : "pid " + holder);
        }
        channel.truncate(0);
        channel.write(
            ByteBuffer.wrap(
                (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
        return new DataDirLock(key, channel, lock);
      } catch (IOException e) {
        closeQuietly(channel);
        forget(key);
        throw unusable(dir, "cannot lock " + lockFile + " (" + e + ")", e);
      } catch (RuntimeException e) {
        closeQuietly(channel);
        forget(key);
        throw e;
      }
    }

    private static EmbeddedPostgresException inUse(Path dir, String detail) {
      return new EmbeddedPostgresException(
          "data directory "
              + dir
              + " is in use by another Convene process"
              + (detail.isEmpty() ? "" : " (" + detail + ")")
              + ". Stop it, or set CONVENE_DATA_DIR to a different directory.");
    }

    void release() {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      try {
        lock.release();
      } catch (IOException e) {
        log.debug("releasing {}: {}", key, e.toString());
      }
      closeQuietly(channel);
      forget(key);
    }

    private static void forget(Path key) {
      synchronized (lockedInThisJvm) {
        lockedInThisJvm.remove(key);
      }
    }

    private static void closeQuietly(FileChannel channel) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the server

  /** Everything {@link #start} does between taking the lock and returning. */
  private static final class Server {
    final Path dataDir;
    final Path pgData;
    final Path logFile;
    final Path passwordFile;
    final RunAs runAs;
    Path dist;
    Path pgCtl;
    String password;

    Server(Path dataDir) {
      this.dataDir = dataDir;
      this.pgData = dataDir.resolve("postgres");
      this.logFile = dataDir.resolve("postgres.log");
      this.passwordFile = dataDir.resolve("postgres.password");
      this.runAs = RunAs.forDataDir(dataDir);
    }

    /** Binaries, password, initdb, file ownership, orphans: everything but the start. */
    void prepare() {
      dist = PostgresBinaries.ensureExtracted(dataDir.resolve("pg-dist"));
      pgCtl = dist.resolve("bin/pg_ctl");
      if (runAs.fileOwner() >= 0) {
        ensureTraversable();
      }
      boolean initialised = Files.exists(pgData, LinkOption.NOFOLLOW_LINKS);
      password = loadOrCreatePassword(initialised);
      if (!initialised) {
        initdb();
      } else if (!Files.isRegularFile(pgData.resolve("PG_VERSION"))) {
        throw unusable(
            dataDir,
            pgData + " exists but is not a PostgreSQL data directory (no PG_VERSION)",
            null);
      }
      prepareLogFile();
      if (runAs.fileOwner() >= 0) {
        chownTree(pgData, runAs.fileOwner());
      }
      stopOrphans();
    }

    /** Starts on a free port, retrying with another if it was taken meanwhile. */
    int start(IntSupplier ports) {
      for (int attempt = 1; ; attempt++) {
        int port = ports.getAsInt();
        long logOffset = size(logFile);
        Commands.Result r;
        try {
          r =
              Commands.run(
                  runAs.wrap(
                      List.of(
                          pgCtl.toString(),
                          "start",
                          "-w",
                          "-t",
                          "60",
                          "-D",
                          pgData.toString(),
                          "-l",
                          logFile.toString(),
                          "-o",
                          serverOptions(port))),
                  START_TIMEOUT);
        } catch (EmbeddedPostgresException e) {
          stopQuietly();
          throw new EmbeddedPostgresException(
              e.getMessage() + "\nServer log: " + logFile, e);
        }
        if (r.ok()) {
          try {
            ensureDatabase(port);
          } catch (RuntimeException e) {
            stopQuietly();
            throw e;
          }
          return port;
        }
        String logTail = readLogFrom(logOffset);
        stopQuietly(); // in case pg_ctl gave up waiting while the server was still starting
        boolean portTaken =
            logTail.contains("could not bind") || logTail.contains("Address already in use");
        if (portTaken && attempt < START_ATTEMPTS) {
          log.warn("Port {} was taken before PostgreSQL could bind it; retrying", port);
          continue;
        }
        throw new EmbeddedPostgresException(
            "PostgreSQL failed to start (pg_ctl exit code "
                + r.exitCode()
                + "):\n"
                + Commands.tail(r.output(), 20)
                + "\nServer log "
                + logFile
                + ":\n"
                + Commands.tail(logTail, 20));
      }
    }

    /**
     * Options for the postmaster. They take precedence over postgresql.conf and
     * postgresql.auto.conf, so the durability settings cannot be switched off by ALTER SYSTEM.
     */
    private static String serverOptions(int port) {
      return String.join(
          " ",
          "-p " + port,
          "-c listen_addresses=" + HOST,
          "-c unix_socket_directories=",
          "-c timezone=UTC",
          "-c log_timezone=UTC",
          // Each event loop's store has clients of its own beside the shared pool, and several instances
          // (a cluster, the tests) share one server.
          "-c max_connections=300",
          "-c fsync=on",
          "-c synchronous_commit=on",
          "-c full_page_writes=on");
    }

    // --- password and initdb

    private String loadOrCreatePassword(boolean initialised) {
      try {
        if (Files.exists(passwordFile)) {
          if (!OWNER_ONLY.equals(Files.getPosixFilePermissions(passwordFile))) {
            Files.setPosixFilePermissions(passwordFile, OWNER_ONLY);
          }
          String pw = Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
          if (pw.isEmpty()) {
            throw unusable(dataDir, passwordFile + " is empty", null);
          }
          return pw;
        }
        if (initialised) {
          throw unusable(
              dataDir,
              pgData
                  + " is initialised but the password file "
                  + passwordFile
                  + " is missing; restore it",
              null);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmp = dataDir.resolve("postgres.password.tmp");
        writeOwnerOnly(tmp, pw + "\n");
        Files.move(tmp, passwordFile, StandardCopyOption.ATOMIC_MOVE);
        PostgresBinaries.fsyncDirectory(dataDir);
        return pw;
      } catch (IOException e) {
        throw unusable(dataDir, "cannot read or write " + passwordFile + " (" + e + ")", e);
      }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
      Files.deleteIfExists(file);
      try (FileChannel ch =
          FileChannel.open(
              file,
              Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
        ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        ch.force(true);
      }
    }

    /**
     * initdb into a temp directory, renamed to PGDATA when complete, so a crash leaves either no
     * PGDATA or a complete one. Database {@code convene} is created after each start if missing.
     */
    private void initdb() {
      Path tmpData = dataDir.resolve("postgres.initdb-tmp");
      Path pwFile = dataDir.resolve("postgres.initdb-pw");
      log.info("Initialising PostgreSQL data directory {}", pgData);
      long t0 = System.nanoTime();
      try {
        PostgresBinaries.deleteRecursively(tmpData);
        Files.createDirectory(tmpData);
        Files.setPosixFilePermissions(tmpData, PosixFilePermissions.fromString("rwx------"));
        writeOwnerOnly(pwFile, password + "\n");
        if (runAs.fileOwner() >= 0) {
          chown(tmpData, runAs.fileOwner());
          chown(pwFile, runAs.fileOwner());
        }
        Commands.Result r =
            Commands.run(
                runAs.wrap(
                    List.of(
                        dist.resolve("bin/initdb").toString(),
                        "-D",
                        tmpData.toString(),
                        "-U",
                        USER,
                        "--auth=scram-sha-256",
                        "--pwfile=" + pwFile,
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--no-instructions")),
                INITDB_TIMEOUT);
        if (!r.ok()) {
          throw new EmbeddedPostgresException(
              "initdb failed (exit code "
                  + r.exitCode()
                  + ") for "
                  + pgData
                  + ":\n"
                  + Commands.tail(r.output(), 20));
        }
        Files.move(tmpData, pgData, StandardCopyOption.ATOMIC_MOVE);
        PostgresBinaries.fsyncDirectory(dataDir);
        log.debug("initdb took {} ms", (System.nanoTime() - t0) / 1_000_000);
      } catch (IOException | UncheckedIOException e) {
        throw unusable(dataDir, "cannot initialise " + pgData + " (" + e + ")", e);
      } finally {
        try {
          Files.deleteIfExists(pwFile);
          PostgresBinaries.deleteRecursively(tmpData);
        } catch (IOException e) {
          log.warn("could not clean up after initdb: {}", e.toString());
        }
      }
    }

    private void ensureDatabase(int port) {
      Properties props = new Properties();
      props.setProperty("user", USER);
      props.setProperty("password", password);
      props.setProperty("sslmode", "disable");
      props.setProperty("connectTimeout", "10");
      props.setProperty("socketTimeout", "60");
      props.setProperty("ApplicationName", "convene-embedded-setup");
      String url = "jdbc:postgresql://" + HOST + ":" + port + "/postgres";
      try (Connection c = new org.postgresql.Driver().connect(url, props);
          Statement st = c.createStatement()) {
        boolean exists;
        try (ResultSet rs =
            st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
          exists = rs.next();
        }
        if (!exists) {
          st.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
          log.info("Created database {}", DATABASE);
        }
      } catch (SQLException e) {
        throw new EmbeddedPostgresException(
            "PostgreSQL started on port "
                + port
                + " but setting up database "
                + DATABASE
                + " failed: "
                + e.getMessage()
                + ". The password in "
                + passwordFile
                + " must be the one "
                + pgData
                + " was initialised with. Server log: "
                + logFile,
            e);
      }
    }

    // --- files and ownership

    private void prepareLogFile() {
      try {
        if (size(logFile) > MAX_LOG_BYTES) {
          Files.move(
              logFile, dataDir.resolve("postgres.log.1"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.exists(logFile)) {
          Files.createFile(logFile);
        }
        if (runAs.fileOwner() >= 0) {
          chown(logFile, runAs.fileOwner());
        }
      } catch (IOException e) {
        throw unusable(dataDir, "cannot create " + logFile + " (" + e + ")", e);
      }
    }

    /**
     * As root the server runs without privileges, so it must be able to reach PGDATA: the data
     * directory itself is made traversable (o+x; its secrets are 0600), its ancestors are checked.
     */
    private void ensureTraversable() {
      int uid = runAs.fileOwner();
      try {
        if (!traversable(dataDir, uid)) {
          Set<PosixFilePermission> perms =
              new HashSet<>(Files.getPosixFilePermissions(dataDir));
          perms.add(PosixFilePermission.OTHERS_EXECUTE);
          Files.setPosixFilePermissions(dataDir, perms);
        }
        for (Path p = dataDir.getParent(); p != null; p = p.getParent()) {
          if (!traversable(p, uid)) {
            throw unusable(
                dataDir,
                "directory "
                    + p
                    + " is not traversable by uid "
                    + uid
                    + ", which runs the embedded PostgreSQL server ("
                    + runAs.describe()
                    + "); run chmod o+x "
                    + p
                    + " or choose another directory",
                null);
          }
        }
      } catch (IOException e) {
        throw unusable(dataDir, "cannot check its permissions (" + e + ")", e);
      }
    }

    private static boolean traversable(Path p, int uid) throws IOException {
      PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
      Set<PosixFilePermission> perms = a.permissions();
      if ((int) Files.getAttribute(p, "unix:uid") == uid) {
        return perms.contains(PosixFilePermission.OWNER_EXECUTE);
      }
      if ((int) Files.getAttribute(p, "unix:gid") == uid) {
        return perms.contains(PosixFilePermission.GROUP_EXECUTE);
      }
      return perms.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    private static void chown(Path p, int uid) throws IOException {
      Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Gives the tree to {@code uid} if its top is not owned by it already. The top is changed
     * last, so an interrupted run is redone next time.
     */
    private static void chownTree(Path root, int uid) {
      try {
        if ((int) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid
            && (int) Files.getAttribute(root, "unix:gid", LinkOption.NOFOLLOW_LINKS) == uid) {
          return;
        }
        log.info("Changing the owner of {} to uid {}", root, uid);
        Files.walkFileTree(
            root,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                  throws IOException {
                chown(file, uid);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                  throws IOException {
                if (exc != null) {
                  throw exc;
                }
                chown(dir, uid);
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        throw new EmbeddedPostgresException(
            "cannot change the owner of " + root + " to uid " + uid + ": " + e, e);
      }
    }

    // --- orphans of crashed runs

    /**
     * We hold the data directory lock, so any process still working in PGDATA was left behind by
     * a crashed Convene: stop it. A postmaster.pid naming no such process is stale and removed.
     */
    private void stopOrphans() {
      Path pidFile = pgData.resolve("postmaster.pid");
      Set<Long> users = processesIn(pgData);
      long filePid = postmasterPid(pidFile);
      if (users.isEmpty() && (filePid <= 0 || !isLivePostgres(filePid))) {
        if (Files.exists(pidFile)) {
          log.info(
              "Removing stale {} (pid {} is not a running PostgreSQL server)", pidFile, filePid);
          try {
            Files.deleteIfExists(pidFile);
          } catch (IOException e) {
            throw unusable(dataDir, "cannot remove stale " + pidFile + " (" + e + ")", e);
          }
        }
        return;
      }
      log.info(
          "Stopping PostgreSQL server left running by a previous Convene process (pids {})",
          users.isEmpty() ? Set.of(filePid) : users);
      if (filePid > 0 && isLivePostgres(filePid)) {
        try {
          stop(runAs, pgCtl, pgData, logFile);
        } catch (EmbeddedPostgresException e) {
          log.warn("pg_ctl could not stop the orphaned server; killing it: {}", e.getMessage());
        }
      }
      // Backends of a postmaster that died can linger for a moment; end them.
      Set<Long> left = processesIn(pgData);
      for (long pid : left) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      left = awaitGone(left, Duration.ofSeconds(10));
      if (!left.isEmpty()) {
        throw new EmbeddedPostgresException(
            "processes "
                + left
                + " still use "
                + pgData
                + " and could not be stopped; stop them and start again");
      }
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        throw unusable(dataDir, "cannot remove stale " + pidFile + " (" + e + ")", e);
      }
    }

    private void stopQuietly() {
      try {
        stop(runAs, pgCtl, pgData, logFile);
      } catch (RuntimeException e) {
        log.warn("Could not stop PostgreSQL after a failed start: {}", e.getMessage());
      }
    }

    /** pg_ctl stop -m fast, then -m immediate. Nothing to stop is fine. */
    static void stop(RunAs runAs, Path pgCtl, Path pgData, Path logFile) {
      Path pidFile = pgData.resolve("postmaster.pid");
      if (!Files.exists(pidFile)) {
        return;
      }
      String output = "";
      for (String mode : List.of("fast", "immediate")) {
        Commands.Result r;
        try {
          r =
              Commands.run(
                  runAs.wrap(
                      List.of(
                          pgCtl.toString(),
                          "stop",
                          "-D",
                          pgData.toString(),
                          "-m",
                          mode,
                          "-w",
                          "-t",
                          "30")),
                  STOP_TIMEOUT);
        } catch (EmbeddedPostgresException e) {
          output = e.getMessage();
          log.warn("pg_ctl stop -m {} failed: {}", mode, e.getMessage());
          continue;
        }
        if (r.ok() || !Files.exists(pidFile)) {
          return;
        }
        output = r.output();
        long pid = postmasterPid(pidFile);
        if (pid > 0 && !isLivePostgres(pid) && processesIn(pgData).isEmpty()) {
          log.warn("PostgreSQL (pid {}) had already exited; see {}", pid, logFile);
          return;
        }
        log.warn("pg_ctl stop -m {} failed: {}", mode, Commands.tail(r.output(), 5));
      }
      throw new EmbeddedPostgresException(
          "could not stop PostgreSQL in "
              + pgData
              + ":\n"
              + Commands.tail(output, 20)
              + "\nServer log: "
              + logFile);
    }

    private String readLogFrom(long offset) {
      try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
        long start = Math.max(offset, f.length() - 64 * 1024);
        if (start >= f.length()) {
          return "";
        }
        byte[] buf = new byte[(int) (f.length() - start)];
        f.seek(start);
        f.readFully(buf);
        return new String(buf, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(cannot read " + logFile + ": " + e + ")";
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // process helpers

  /** A port that was free on 127.0.0.1 a moment ago (bound to port 0, then released). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new EmbeddedPostgresException("cannot find a free port on " + HOST + ": " + e, e);
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /** First line of postmaster.pid, or -1. */
  private static long postmasterPid(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Whether {@code pid} runs (not a zombie) and is a postgres process. */
  private static boolean isLivePostgres(long pid) {
    if (isZombie(pid)) {
      return false;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    return h.isPresent() && h.get().isAlive() && isPostgres(pid);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isPostgres(long pid) {
    try {
      String comm = Files.readString(Path.of("/proc", Long.toString(pid), "comm"));
      return comm.trim().equals("postgres");
    } catch (IOException e) {
      return ProcessHandle.of(pid)
          .flatMap(h -> h.info().command())
          .map(c -> c.endsWith("/postgres"))
          .orElse(false);
    }
  }

  /**
   * Live postgres processes whose working directory is {@code dir}: PostgreSQL's processes all
   * chdir to PGDATA. Zombies have no working directory and are not reported.
   */
  private static Set<Long> processesIn(Path dir) {
    Set<Long> pids = new HashSet<>();
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      return pids;
    }
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : proc) {
        try {
          if (Files.readSymbolicLink(p.resolve("cwd")).equals(real)) {
            long pid = Long.parseLong(p.getFileName().toString());
            if (pid != self && isPostgres(pid)) {
              pids.add(pid);
            }
          }
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
          // gone, a zombie, or not ours to see
        }
      }
    } catch (IOException e) {
      log.debug("cannot list /proc: {}", e.toString());
    }
    return pids;
  }

  /** Waits up to {@code timeout} until the processes have exited (zombies count as exited). */
  private static Set<Long> awaitGone(Set<Long> pids, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<Long> left = new HashSet<>(pids);
    while (true) {
      left.removeIf(pid -> ProcessHandle.of(pid).isEmpty() || isZombie(pid));
      if (left.isEmpty() || System.nanoTime() > deadline) {
        return left;
      }
      // Not readiness polling: only for stray backends of a crashed postmaster (rare).
      for (long pid : new ArrayList<>(left)) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isPresent()) {
          try {
            h.get().onExit().get(100, TimeUnit.MILLISECONDS);
          } catch (Exception e) {
            if (e instanceof InterruptedException) {
              Thread.currentThread().interrupt();
              return left;
            }
          }
        }
      }
    }
  }
}
