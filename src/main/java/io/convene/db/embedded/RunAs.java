package io.convene.db.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How initdb and pg_ctl (and thus the postmaster) are run. PostgreSQL refuses to run as root, and
 * Convene often runs as root (containers, CI), so as root the server runs either in a user
 * namespace where it sees a non-root uid while files stay root-owned ({@link Mode#UNSHARE}), or as
 * the unprivileged user 65534 ({@link Mode#SETPRIV}).
 *
 * <p>The mode can be forced with the system property {@value #PROPERTY} ({@code direct}, {@code
 * unshare} or {@code setpriv}); that is meant for tests and troubleshooting.
 */
final class RunAs {

  static final String PROPERTY = "convene.embedded.runAs";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  /** The unprivileged user (and group) of {@link Mode#SETPRIV}: "nobody" on Debian and friends. */
  static final int NOBODY = 65534;

  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  enum Mode {
    /** The JVM is not root: run the commands as they are. */
    DIRECT,
    /** Root: {@code unshare --user --map-user=N --map-group=N cmd...}. */
    UNSHARE,
    /** Root: {@code setpriv --reuid=65534 --regid=65534 --clear-groups cmd...}. */
    SETPRIV
  }

  private static RunAs detected; // guarded by RunAs.class

  final Mode mode;
  /** For UNSHARE, the uid (and gid) PostgreSQL sees inside the namespace. */
  private final int namespaceUid;

  private RunAs(Mode mode, int namespaceUid) {
    this.mode = mode;
    this.namespaceUid = namespaceUid;
  }

  /**
   * The mode to use for a server in {@code dataDir} (named in error messages). Detection runs the
   * probes once per JVM; a forced mode is checked every time.
   */
  static RunAs forDataDir(Path dataDir) {
    String forced = System.getProperty(PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    if (!forced.isEmpty()) {
      return forced(forced);
    }
    synchronized (RunAs.class) {
      if (detected == null) {
        detected = detect();
        if (detected != null) {
          log.info("{}", detected.describe());
        }
      }
      if (detected == null) {
        throw new EmbeddedPostgresException(
            "Cannot run the embedded PostgreSQL server for data directory "
                + dataDir
                + ": this JVM runs as root, PostgreSQL refuses to run as root, and neither user"
                + " namespaces (unshare --user) nor setpriv are available to drop privileges."
                + " Run Convene as a non-root user, or set CONVENE_DATABASE_URL to use an external"
                + " PostgreSQL server.");
      }
      return detected;
    }
  }

  private static RunAs detect() {
    if (currentUid() != 0) {
      return new RunAs(Mode.DIRECT, -1);
    }
    int nsUid = namespaceUid();
    if (unshareWorks(nsUid)) {
      return new RunAs(Mode.UNSHARE, nsUid);
    }
    if (onPath("setpriv")) {
      return new RunAs(Mode.SETPRIV, -1);
    }
    return null;
  }

  private static RunAs forced(String value) {
    switch (value) {
      case "direct":
        return new RunAs(Mode.DIRECT, -1);
      case "unshare":
        int nsUid = namespaceUid();
        if (!unshareWorks(nsUid)) {
          throw new EmbeddedPostgresException(
              PROPERTY + "=unshare, but 'unshare --user' does not work here");
        }
        return new RunAs(Mode.UNSHARE, nsUid);
      case "setpriv":
        if (currentUid() != 0 || !onPath("setpriv")) {
          throw new EmbeddedPostgresException(
              PROPERTY + "=setpriv needs a JVM running as root and the setpriv command");
        }
        return new RunAs(Mode.SETPRIV, -1);
      default:
        throw new EmbeddedPostgresException(
            PROPERTY + " must be direct, unshare or setpriv, not '" + value + "'");
    }
  }

  /** {@code command} wrapped so that it runs as the server's user. */
  List<String> wrap(List<String> command) {
    List<String> out = new ArrayList<>();
    switch (mode) {
      case UNSHARE:
        out.add("unshare");
        out.add("--user");
        out.add("--map-user=" + namespaceUid);
        out.add("--map-group=" + namespaceUid);
        break;
      case SETPRIV:
        out.add("setpriv");
        out.add("--reuid=" + NOBODY);
        out.add("--regid=" + NOBODY);
        out.add("--clear-groups");
        break;
      default:
        break;
    }
    out.addAll(command);
    return out;
  }

  /**
   * The uid (outside any namespace) that must own PGDATA and the server log, or -1 when files are
   * simply created by the JVM's own user (DIRECT). Same number for the gid.
   */
  int fileOwner() {
    switch (mode) {
      case UNSHARE:
        return 0;
      case SETPRIV:
        return NOBODY;
      default:
        return -1;
    }
  }

  String describe() {
    switch (mode) {
      case UNSHARE:
        return "JVM runs as root: running PostgreSQL in a user namespace as uid " + namespaceUid;
      case SETPRIV:
        return "JVM runs as root: running PostgreSQL as uid " + NOBODY + " via setpriv";
      default:
        return "running PostgreSQL as the JVM's user";
    }
  }

  static int currentUid() {
    try {
      return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    } catch (LinkageError | RuntimeException e) {
      Commands.Result r = Commands.run(List.of("id", "-u"), PROBE_TIMEOUT);
      try {
        return Integer.parseInt(r.output().trim());
      } catch (NumberFormatException nfe) {
        throw new EmbeddedPostgresException("cannot determine the JVM's uid: " + r.output(), nfe);
      }
    }
  }

  /**
   * initdb looks its effective uid up in the passwd database, so the uid inside the namespace must
   * exist there: 1000 if it does, else nobody (65534), else 1000 anyway.
   */
  private static int namespaceUid() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/etc/passwd"));
      for (int candidate : new int[] {1000, NOBODY}) {
        for (String line : lines) {
          String[] f = line.split(":");
          if (f.length > 2 && f[2].equals(Integer.toString(candidate))) {
            return candidate;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return 1000;
  }

  private static boolean unshareWorks(int nsUid) {
    if (!onPath("unshare")) {
      return false;
    }
    try {
      return Commands.run(
              List.of(
                  "unshare", "--user", "--map-user=" + nsUid, "--map-group=" + nsUid, "true"),
              PROBE_TIMEOUT)
          .ok();
    } catch (EmbeddedPostgresException e) {
      return false;
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null || path.isEmpty()) {
      path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
