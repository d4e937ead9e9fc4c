package io.convene.db.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded server's process: started on a free port with {@code pg_ctl}, stopped, and orphans of crashed runs ended. */
final class Server {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private static final int START_ATTEMPTS = 3;
  /** pg_ctl start -t 60, plus slack for pg_ctl itself. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(75);
  /** pg_ctl stop -t 30, plus slack. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(45);

  final Path dataDir;
  final Path pgData;
  final Path logFile;
  final Path passwordFile;
  final RunAs runAs;
  Path dist;
  Path pgCtl;
  String password;
  private final ServerSetup setup;

  Server(Path dataDir) {
    this.dataDir = dataDir;
    this.pgData = dataDir.resolve("postgres");
    this.logFile = dataDir.resolve("postgres.log");
    this.passwordFile = dataDir.resolve("postgres.password");
    this.runAs = RunAs.forDataDir(dataDir);
    this.setup = new ServerSetup(this);
  }

  /** Binaries, password, initdb, file ownership, orphans: everything but the start. */
  void prepare() {
    setup.run();
    stopOrphans();
  }

  /** Starts on a free port, retrying with another if it was taken meanwhile. */
  int start(IntSupplier ports) {
    for (int attempt = 1; ; attempt++) {
      int port = ports.getAsInt();
      long logOffset = Processes.size(logFile);
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
          setup.ensureDatabase(port);
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
        "-c listen_addresses=" + EmbeddedPostgres.HOST,
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

  /**
   * We hold the data directory lock, so any process still working in PGDATA was left behind by
   * a crashed Convene: stop it. A postmaster.pid naming no such process is stale and removed.
   */
  void stopOrphans() {
    Path pidFile = pgData.resolve("postmaster.pid");
    Set<Long> users = Processes.processesIn(pgData);
    long filePid = Processes.postmasterPid(pidFile);
    if (users.isEmpty() && (filePid <= 0 || !Processes.isLivePostgres(filePid))) {
      if (Files.exists(pidFile)) {
        log.info(
            "Removing stale {} (pid {} is not a running PostgreSQL server)", pidFile, filePid);
        try {
          Files.deleteIfExists(pidFile);
        } catch (IOException e) {
          throw ServerSetup.unusable(dataDir, "cannot remove stale " + pidFile + " (" + e + ")", e);
        }
      }
      return;
    }
    log.info(
        "Stopping PostgreSQL server left running by a previous Convene process (pids {})",
        users.isEmpty() ? Set.of(filePid) : users);
    if (filePid > 0 && Processes.isLivePostgres(filePid)) {
      try {
        stop(runAs, pgCtl, pgData, logFile);
      } catch (EmbeddedPostgresException e) {
        log.warn("pg_ctl could not stop the orphaned server; killing it: {}", e.getMessage());
      }
    }
    // Backends of a postmaster that died can linger for a moment; end them.
    Set<Long> left = Processes.processesIn(pgData);
    for (long pid : left) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    left = Processes.awaitGone(left, Duration.ofSeconds(10));
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
      throw ServerSetup.unusable(dataDir, "cannot remove stale " + pidFile + " (" + e + ")", e);
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
      long pid = Processes.postmasterPid(pidFile);
      if (pid > 0 && !Processes.isLivePostgres(pid) && Processes.processesIn(pgData).isEmpty()) {
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

  String readLogFrom(long offset) {
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
