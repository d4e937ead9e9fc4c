package io.convene;

import io.convene.config.ConfigException;
import io.convene.config.ConfigLoader;
import io.convene.config.ConveneConfig;
import io.convene.config.Settings;
import io.convene.db.Database;
import io.convene.db.embedded.EmbeddedPostgres;
import io.convene.metrics.Metrics;
import io.convene.observability.LogFormat;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Reads the configuration once, starts the database if it is embedded, and brings Convene up. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final String CHECK_CONFIG = "--check-config";

  private Main() {
  }

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(usage());
      return;
    }
    if (Arrays.asList(args).contains(CHECK_CONFIG)) {
      System.exit(checkConfig(withoutCheckFlag(args), System.getenv(), System.out, System.err));
      return;
    }
    ConveneConfig config;
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.loadWithSources(args, System.getenv());
      config = loaded.config();
      LOG.info("Configuration (secrets redacted):{}{}", System.lineSeparator(), loaded.summary());
    } catch (ConfigException e) {
      System.err.println("convene: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    LogFormat.use(config.observability().logFormat());
    Running running = new Running();
    running.config = config;
    Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "convene-shutdown"));
    try {
      Database database;
      if (config.embeddedDatabase()) {
        running.embedded = EmbeddedPostgres.start(config.dataDir());
        running.embedded.supervise(Main::databaseLost);
        database = Database.embedded(running.embedded, config.databasePoolSize());
      } else {
        database = Database.fromUrl(config.databaseUrl(), config.databasePoolSize());
      }
      running.vertx = Metrics.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()), config.observability());
      running.application = Application.start(running.vertx, config, database, System.out).await(60, TimeUnit.SECONDS);
      LOG.info("Convene ready on http://{}:{} ({} event loops, {} database)", config.httpHost(), config.httpPort(),
          config.eventLoops(), config.embeddedDatabase() ? "embedded" : "external");
    } catch (Exception e) {
      LOG.error("Convene failed to start: {}", messageOf(e));
      LOG.debug("start failure", e);
      System.exit(1);
    }
  }

  /** The embedded PostgreSQL cannot be kept running: exit, so that the process supervisor restarts Convene. */
  private static void databaseLost(String reason) {
    LOG.error("Convene is exiting: {}", reason);
    System.exit(1);
  }

  /**
   * {@code --check-config}: validates the effective configuration (defaults, file, environment,
   * command line) and prints every key with its value and source, secrets redacted. 0 when valid, 2 when not.
   */
  static int checkConfig(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.loadWithSources(args, env);
      out.print("Configuration is valid (secrets redacted):" + System.lineSeparator() + loaded.summary());
      return 0;
    } catch (ConfigException e) {
      err.println("convene: configuration error: " + e.getMessage());
      return 2;
    }
  }

  private static String[] withoutCheckFlag(String[] args) {
    return Arrays.stream(args).filter(a -> !a.equals(CHECK_CONFIG)).toArray(String[]::new);
  }

  private static String messageOf(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    return cause.getMessage() != null ? cause.getMessage() : cause.toString();
  }

  private static String usage() {
    StringBuilder out = new StringBuilder("Usage: java -jar convene.jar [--check-config] [--key value ...]\n\n"
        + "--check-config validates the effective configuration, prints it (secrets redacted) and exits:\n"
        + "0 when it is valid, 2 when it is not.\n\n"
        + "Every key can also be set as a CONVENE_* environment variable or in a JSON file given\n"
        + "with --config FILE (CONVENE_CONFIG). Keys and their defaults:\n");
    return out.append(Settings.help()).toString();
  }

  /** What must be stopped on exit, in order: Vert.x (HTTP, pools), then the embedded database. */
  private static final class Running {
    private final AtomicBoolean stopped = new AtomicBoolean();
    volatile Vertx vertx;
    volatile Application application;
    volatile EmbeddedPostgres embedded;
    volatile ConveneConfig config;

    void stop() {
      if (!stopped.compareAndSet(false, true)) {
        return;
      }
      if (vertx != null) {
        try {
          if (application != null) {
            application.shutdown().await(config.shutdownDelaySeconds() + 60L, TimeUnit.SECONDS);
          }
          vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
        }
      }
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
