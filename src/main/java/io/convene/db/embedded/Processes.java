package io.convene.db.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the embedded server's keepers read of its processes and files: /proc, postmaster.pid, the log's size. */
final class Processes {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private Processes() {
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /** First line of postmaster.pid, or -1. */
  static long postmasterPid(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Whether {@code pid} runs (not a zombie) and is a postgres process. */
  static boolean isLivePostgres(long pid) {
    if (isZombie(pid)) {
      return false;
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    return h.isPresent() && h.get().isAlive() && isPostgres(pid);
  }

  static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  static boolean isPostgres(long pid) {
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
  static Set<Long> processesIn(Path dir) {
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
  static Set<Long> awaitGone(Set<Long> pids, Duration timeout) {
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
