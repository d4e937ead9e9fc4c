package io.convene.db;

import io.convene.db.embedded.EmbeddedPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;
import org.flywaydb.core.Flyway;

/**
 * Where the database is and how to reach it: one shared, named pool per process, whatever the
 * number of verticle instances that ask for it.
 */
public record Database(PgConnectOptions connectOptions, int poolSize) {
  /**
   * Statements up to this long are prepared once per connection and kept; the client's default (2,048)
   * left a change's statement (data-modifying CTEs, about 3,000 characters) to be parsed and planned
   * again on every execution, three times its execution cost.
   */
  static final int CACHED_STATEMENT_MAX_LENGTH = 16_384;

  public static Database fromUrl(String url, int poolSize) {
    return new Database(PgConnectOptions.fromUri(url.replaceFirst("^postgres://", "postgresql://")), poolSize);
  }

  public static Database embedded(EmbeddedPostgres server, int poolSize) {
    return new Database(new PgConnectOptions()
        .setHost(server.host())
        .setPort(server.port())
        .setDatabase(server.database())
        .setUser(server.user())
        .setPassword(server.password()), poolSize);
  }

  /** The process-wide pool: the same one for every caller, closed when the last user's Vert.x context closes. */
  public Pool pool(Vertx vertx) {
    PgConnectOptions options = new PgConnectOptions(connectOptions)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(512)
        .setPreparedStatementCacheSqlLimit(CACHED_STATEMENT_MAX_LENGTH);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize).setShared(true).setName(poolName()))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  /**
   * A client of the calling verticle's own: its connections live on that verticle's event loop, so a
   * query and its answer never leave the loop; statements are prepared once per connection and kept.
   * Build it in the verticle's {@code start()}; it closes with the verticle.
   *
   * @param pipelined whether statements are pipelined on a connection, for reads; a write's commit
   *                  would wait there for the flush of every commit ahead of it on the same backend, so
   *                  writes get a connection each (up to {@code connections}) and commit together
   */
  public SqlClient loopClient(Vertx vertx, int connections, boolean pipelined) {
    PgConnectOptions options = new PgConnectOptions(connectOptions)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(512)
        .setPreparedStatementCacheSqlLimit(CACHED_STATEMENT_MAX_LENGTH)
        .setPipeliningLimit(pipelined ? PgConnectOptions.DEFAULT_PIPELINING_LIMIT : 1);
    return PgBuilder.client()
        .with(new PoolOptions().setMaxSize(connections).setName(poolName(pipelined ? "reads" : "writes")))
        .connectingTo(options)
        .using(vertx)
        .build();
  }

  /**
   * The name a client of the calling event loop's own goes by in the pool metrics: every client's gauges
   * need a name of their own, or all but the first are dropped (with a warning at start).
   */
  public String poolName(String role) {
    return poolName() + "/" + role + "@" + Thread.currentThread().getName();
  }

  private String poolName() {
    return "convene-db:" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/" + connectOptions.getDatabase();
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + connectOptions.getHost() + ":" + connectOptions.getPort() + "/" + connectOptions.getDatabase();
  }

  /**
   * Applies the versioned SQL under {@code db/migration} and says how many migrations ran. Blocking (JDBC): call it off the event loop.
   * Flyway takes a PostgreSQL advisory lock, so instances starting together migrate once.
   */
  public int migrate() {
    return Flyway.configure()
        .dataSource(jdbcUrl(), connectOptions.getUser(), connectOptions.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate()
        .migrationsExecuted;
  }
}
