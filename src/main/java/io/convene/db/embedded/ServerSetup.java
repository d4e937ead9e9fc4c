package io.convene.db.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the embedded server up before it starts: the data directory, the binaries, the password, initdb
 * (into a temporary directory, renamed when complete), the log file, the files' owner when running as
 * root, and database {@code convene} after each start.
 */
final class ServerSetup {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private static final long MAX_LOG_BYTES = 10L * 1024 * 1024;
  private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(120);

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Server server;

  ServerSetup(Server server) {
    this.server = server;
  }

  static EmbeddedPostgresException unusable(Path dir, String reason, Throwable cause) {
    return new EmbeddedPostgresException(
        "Embedded PostgreSQL data directory "
            + dir
            + " is not usable: "
            + reason
            + ". Set CONVENE_DATA_DIR to a writable directory (or CONVENE_DATABASE_URL to use an"
            + " external PostgreSQL server).",
        cause);
  }

  static Path prepareDataDir(Path dir) {
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

  /** Binaries, password, initdb, file ownership: everything before the server is started. */
  void run() {
    server.dist = PostgresBinaries.ensureExtracted(server.dataDir.resolve("pg-dist"));
    server.pgCtl = server.dist.resolve("bin/pg_ctl");
    if (server.runAs.fileOwner() >= 0) {
      ensureTraversable();
    }
    boolean initialised = Files.exists(server.pgData, LinkOption.NOFOLLOW_LINKS);
    server.password = loadOrCreatePassword(initialised);
    if (!initialised) {
      initdb();
    } else if (!Files.isRegularFile(server.pgData.resolve("PG_VERSION"))) {
      throw unusable(
          server.dataDir,
          server.pgData + " exists but is not a PostgreSQL data directory (no PG_VERSION)",
          null);
    }
    prepareLogFile();
    if (server.runAs.fileOwner() >= 0) {
      chownTree(server.pgData, server.runAs.fileOwner());
    }
  }

  private String loadOrCreatePassword(boolean initialised) {
    try {
      if (Files.exists(server.passwordFile)) {
        if (!OWNER_ONLY.equals(Files.getPosixFilePermissions(server.passwordFile))) {
          Files.setPosixFilePermissions(server.passwordFile, OWNER_ONLY);
        }
        String pw = Files.readString(server.passwordFile, StandardCharsets.UTF_8).trim();
        if (pw.isEmpty()) {
          throw unusable(server.dataDir, server.passwordFile + " is empty", null);
        }
        return pw;
      }
      if (initialised) {
        throw unusable(
            server.dataDir,
            server.pgData
                + " is initialised but the password file "
                + server.passwordFile
                + " is missing; restore it",
            null);
      }
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      Path tmp = server.dataDir.resolve("postgres.password.tmp");
      writeOwnerOnly(tmp, pw + "\n");
      Files.move(tmp, server.passwordFile, StandardCopyOption.ATOMIC_MOVE);
      PostgresBinaries.fsyncDirectory(server.dataDir);
      return pw;
    } catch (IOException e) {
      throw unusable(server.dataDir, "cannot read or write " + server.passwordFile + " (" + e + ")", e);
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
    Path tmpData = server.dataDir.resolve("postgres.initdb-tmp");
    Path pwFile = server.dataDir.resolve("postgres.initdb-pw");
    log.info("Initialising PostgreSQL data directory {}", server.pgData);
    long t0 = System.nanoTime();
    try {
      PostgresBinaries.deleteRecursively(tmpData);
      Files.createDirectory(tmpData);
      Files.setPosixFilePermissions(tmpData, PosixFilePermissions.fromString("rwx------"));
      writeOwnerOnly(pwFile, server.password + "\n");
      if (server.runAs.fileOwner() >= 0) {
        chown(tmpData, server.runAs.fileOwner());
        chown(pwFile, server.runAs.fileOwner());
      }
      Commands.Result r =
          Commands.run(
              server.runAs.wrap(
                  List.of(
                      server.dist.resolve("bin/initdb").toString(),
                      "-D",
                      tmpData.toString(),
                      "-U",
                      EmbeddedPostgres.USER,
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
                + server.pgData
                + ":\n"
                + Commands.tail(r.output(), 20));
      }
      Files.move(tmpData, server.pgData, StandardCopyOption.ATOMIC_MOVE);
      PostgresBinaries.fsyncDirectory(server.dataDir);
      log.debug("initdb took {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException | UncheckedIOException e) {
      throw unusable(server.dataDir, "cannot initialise " + server.pgData + " (" + e + ")", e);
    } finally {
      try {
        Files.deleteIfExists(pwFile);
        PostgresBinaries.deleteRecursively(tmpData);
      } catch (IOException e) {
        log.warn("could not clean up after initdb: {}", e.toString());
      }
    }
  }

  void ensureDatabase(int port) {
    Properties props = new Properties();
    props.setProperty("user", EmbeddedPostgres.USER);
    props.setProperty("password", server.password);
    props.setProperty("sslmode", "disable");
    props.setProperty("connectTimeout", "10");
    props.setProperty("socketTimeout", "60");
    props.setProperty("ApplicationName", "convene-embedded-setup");
    String url = "jdbc:postgresql://" + EmbeddedPostgres.HOST + ":" + port + "/postgres";
    try (Connection c = new org.postgresql.Driver().connect(url, props);
        Statement st = c.createStatement()) {
      boolean exists;
      try (ResultSet rs =
          st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + EmbeddedPostgres.DATABASE + "'")) {
        exists = rs.next();
      }
      if (!exists) {
        st.execute("CREATE DATABASE " + EmbeddedPostgres.DATABASE + " OWNER " + EmbeddedPostgres.USER);
        log.info("Created database {}", EmbeddedPostgres.DATABASE);
      }
    } catch (SQLException e) {
      throw new EmbeddedPostgresException(
          "PostgreSQL started on port "
              + port
              + " but setting up database "
              + EmbeddedPostgres.DATABASE
              + " failed: "
              + e.getMessage()
              + ". The password in "
              + server.passwordFile
              + " must be the one "
              + server.pgData
              + " was initialised with. Server log: "
              + server.logFile,
          e);
    }
  }

  private void prepareLogFile() {
    try {
      if (Processes.size(server.logFile) > MAX_LOG_BYTES) {
        Files.move(
            server.logFile, server.dataDir.resolve("postgres.log.1"), StandardCopyOption.REPLACE_EXISTING);
      }
      if (!Files.exists(server.logFile)) {
        Files.createFile(server.logFile);
      }
      if (server.runAs.fileOwner() >= 0) {
        chown(server.logFile, server.runAs.fileOwner());
      }
    } catch (IOException e) {
      throw unusable(server.dataDir, "cannot create " + server.logFile + " (" + e + ")", e);
    }
  }

  /**
   * As root the server runs without privileges, so it must be able to reach PGDATA: the data
   * directory itself is made traversable (o+x; its secrets are 0600), its ancestors are checked.
   */
  private void ensureTraversable() {
    int uid = server.runAs.fileOwner();
    try {
      if (!traversable(server.dataDir, uid)) {
        Set<PosixFilePermission> perms =
            new HashSet<>(Files.getPosixFilePermissions(server.dataDir));
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(server.dataDir, perms);
      }
      for (Path p = server.dataDir.getParent(); p != null; p = p.getParent()) {
        if (!traversable(p, uid)) {
          throw unusable(
              server.dataDir,
              "directory "
                  + p
                  + " is not traversable by uid "
                  + uid
                  + ", which runs the embedded PostgreSQL server ("
                  + server.runAs.describe()
                  + "); run chmod o+x "
                  + p
                  + " or choose another directory",
              null);
        }
      }
    } catch (IOException e) {
      throw unusable(server.dataDir, "cannot check its permissions (" + e + ")", e);
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
}
