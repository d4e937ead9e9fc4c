package io.convene.db.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

  @TempDir Path tmp;

  @Test
  void keepsDataAcrossRestartsWithDurableSettings() throws Exception {
    Path dataDir = tmp.resolve("data"); // does not exist yet
    long systemId;
    String password;
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
      assertEquals("127.0.0.1", pg.host());
      assertEquals("convene", pg.database());
      assertEquals("convene", pg.user());
      assertEquals("jdbc:postgresql://127.0.0.1:" + pg.port() + "/convene", pg.jdbcUrl());
      password = pg.password();
      assertTrue(password.length() >= 24);
      try (Connection c = connect(pg);
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE meeting (id int PRIMARY KEY, title text NOT NULL)");
        st.execute("INSERT INTO meeting VALUES (1, 'standup')");
        assertEquals("on", show(st, "fsync"));
        assertEquals("on", show(st, "synchronous_commit"));
        assertEquals("on", show(st, "full_page_writes"));
        assertEquals("127.0.0.1", show(st, "listen_addresses"));
        assertEquals("", show(st, "unix_socket_directories"));
        String tz = show(st, "TimeZone");
        assertTrue(tz.equals("UTC") || tz.equals("Etc/UTC"), tz);
        assertEquals("300", show(st, "max_connections"));
        assertEquals("convene", query(st, "SELECT current_database()"));
        systemId = Long.parseLong(query(st, "SELECT system_identifier FROM pg_control_system()"));
      }

      // A second instance on the same data directory is refused while the first runs.
      EmbeddedPostgresException inUse =
          assertThrows(EmbeddedPostgresException.class, () -> EmbeddedPostgres.start(dataDir));
      assertTrue(
          inUse.getMessage().contains("in use by another Convene process"), inUse::getMessage);
      assertTrue(inUse.getMessage().contains(dataDir.toString()), inUse::getMessage);
    }

    Path passwordFile = dataDir.resolve("postgres.password");
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile)));
    assertEquals(password, Files.readString(passwordFile).trim());
    assertTrue(Files.size(dataDir.resolve("postgres.log")) > 0);

    EmbeddedPostgres restarted = EmbeddedPostgres.start(dataDir);
    restarted.close();
    restarted.close(); // idempotent

    // The chosen port gets taken before PostgreSQL binds it: the start retries on another port.
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      AtomicInteger calls = new AtomicInteger();
      EmbeddedPostgres.portChooser =
          () -> calls.getAndIncrement() == 0 ? taken.getLocalPort() : EmbeddedPostgres.freePort();
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
        assertEquals(2, calls.get());
        assertNotEquals(taken.getLocalPort(), pg.port());
      } finally {
        EmbeddedPostgres.portChooser = EmbeddedPostgres::freePort;
      }
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
      assertEquals(password, pg.password());
      try (Connection c = connect(pg);
          Statement st = c.createStatement()) {
        // Same cluster (no second initdb) and the committed row survived the restart.
        assertEquals(
            systemId,
            Long.parseLong(query(st, "SELECT system_identifier FROM pg_control_system()")));
        assertEquals("standup", query(st, "SELECT title FROM meeting WHERE id = 1"));
      }
    }
  }

  @Test
  void regularFileAsDataDirIsRejected() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    EmbeddedPostgresException e =
        assertThrows(EmbeddedPostgresException.class, () -> EmbeddedPostgres.start(file));
    assertTrue(e.getMessage().contains(file.toString()), e::getMessage);
    assertTrue(e.getMessage().contains("CONVENE_DATA_DIR"), e::getMessage);

    Path below = file.resolve("data");
    e = assertThrows(EmbeddedPostgresException.class, () -> EmbeddedPostgres.start(below));
    assertTrue(e.getMessage().contains(below.toString()), e::getMessage);
    assertTrue(e.getMessage().contains("CONVENE_DATA_DIR"), e::getMessage);
  }

  @Test
  void startsAgainAfterACrashedRun() throws Exception {
    Path dataDir = tmp.resolve("data");
    EmbeddedPostgres crashed = EmbeddedPostgres.start(dataDir);
    int oldPort = crashed.port();
    boolean recovered = false;
    try {
      try (Connection c = connect(crashed);
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (v text)");
        st.execute("INSERT INTO t VALUES ('before crash')");
      }
      // Like a killed JVM: the lock goes away, the postmaster keeps running.
      crashed.simulateCrashForTesting();
      assertTrue(Files.exists(dataDir.resolve("postgres/postmaster.pid")));

      try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
        recovered = true;
        try (Connection c = connect(pg);
            Statement st = c.createStatement()) {
          assertEquals("before crash", query(st, "SELECT v FROM t"));
        }
        if (pg.port() != oldPort) {
          // The orphan was stopped: nothing listens on its port any more.
          assertThrows(
              SQLException.class,
              () ->
                  DriverManager.getConnection(
                          crashed.jdbcUrl(), crashed.user(), crashed.password())
                      .close());
        }
      }
    } finally {
      crashed.close(); // a no-op after the simulated crash
      if (!recovered) {
        EmbeddedPostgres.start(dataDir).close(); // do not leave the orphan running
      }
    }

    // A stale postmaster.pid naming a process that is not a postgres server of ours.
    Files.writeString(
        dataDir.resolve("postgres/postmaster.pid"),
        "1\n" + dataDir.resolve("postgres") + "\n1700000000\n5432\n\n127.0.0.1\n  0  0\nready\n");
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir);
        Connection c = connect(pg);
        Statement st = c.createStatement()) {
      assertEquals("before crash", query(st, "SELECT v FROM t"));
    }
    assertFalse(Files.exists(dataDir.resolve("postgres/postmaster.pid")));
  }

  /** The setpriv fallback (uid 65534), forced; only where the JVM is root and setpriv exists. */
  @Test
  void runsAsNobodyViaSetprivWhenForced() throws Exception {
    assumeTrue(RunAs.currentUid() == 0, "needs root");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/setpriv"))
            || Files.isExecutable(Path.of("/bin/setpriv")),
        "needs setpriv");
    String before = System.getProperty(RunAs.PROPERTY);
    System.setProperty(RunAs.PROPERTY, "setpriv");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
      Path dataDir = tmp.resolve("data");
      EmbeddedPostgresException e =
          assertThrows(EmbeddedPostgresException.class, () -> EmbeddedPostgres.start(dataDir));
      assertTrue(
          e.getMessage().contains("directory " + tmp + " is not traversable"), e::getMessage);

      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
      try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir);
          Connection c = connect(pg);
          Statement st = c.createStatement()) {
        assertEquals("on", show(st, "fsync"));
        assertEquals(65534, (int) Files.getAttribute(dataDir.resolve("postgres"), "unix:uid"));
        // The password stays the JVM user's (0600), not the server user's.
        assertNotEquals(
            65534, (int) Files.getAttribute(dataDir.resolve("postgres.password"), "unix:uid"));
      }
    } finally {
      if (before == null) {
        System.clearProperty(RunAs.PROPERTY);
      } else {
        System.setProperty(RunAs.PROPERTY, before);
      }
    }
  }

  private static Connection connect(EmbeddedPostgres pg) throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
  }

  private static String show(Statement st, String setting) throws SQLException {
    return query(st, "SHOW " + setting);
  }

  private static String query(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      assertTrue(rs.next(), sql);
      return rs.getString(1);
    }
  }
}
