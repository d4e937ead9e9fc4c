package io.convene;

import io.convene.db.Database;
import io.convene.db.embedded.EmbeddedPostgres;
import io.convene.ids.Ids;
import io.vertx.pgclient.PgConnectOptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * The one fixture that starts the database: the same embedded PostgreSQL launcher Convene uses,
 * started once per test JVM, with a new empty database for every caller.
 */
public final class TestDatabase {
  private static EmbeddedPostgres server;

  private TestDatabase() {
  }

  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      server = EmbeddedPostgres.start(Path.of("target", "test-data"));
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "test-postgres-stop"));
    }
    return server;
  }

  /** A new, empty database (not yet migrated) on the shared server. */
  public static Database fresh() {
    EmbeddedPostgres pg = server();
    String name = Ids.random("t_", 16).toLowerCase(Locale.ROOT);
    try (Connection conn = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
         Statement statement = conn.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database", e);
    }
    return new Database(new PgConnectOptions()
        .setHost(pg.host())
        .setPort(pg.port())
        .setDatabase(name)
        .setUser(pg.user())
        .setPassword(pg.password()), 8);
  }
}
