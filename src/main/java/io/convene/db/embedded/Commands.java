package io.convene.db.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs short-lived external commands (initdb, pg_ctl, probes) with bounded waits. */
final class Commands {

  /** How much of a command's output is kept (the tail); enough for any error message. */
  private static final int MAX_OUTPUT_BYTES = 64 * 1024;

  private Commands() {}

  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Runs {@code command} with stdout and stderr merged, stdin closed, and PG* variables removed
   * from the environment. Waits at most {@code timeout}; a command still running then is killed
   * and an {@link EmbeddedPostgresException} is thrown. Fails the same way if it cannot be started.
   */
  static Result run(List<String> command, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    // PGDATA, PGPORT, PGOPTIONS, ... of the caller must not leak into our private server.
    env.keySet().removeIf(k -> k.startsWith("PG"));
    env.put("LC_ALL", "C");
    env.put("LANG", "C");
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new EmbeddedPostgresException(
          "could not run " + command.get(0) + ": " + e.getMessage(), e);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // nothing to close
    }
    TailBuffer out = new TailBuffer();
    // Read on a separate thread: a grandchild that inherited the pipe must not make us hang.
    Thread reader =
        new Thread(() -> out.drain(process.getInputStream()), "embedded-postgres-cmd-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      reader.join(finished ? 5_000 : 1_000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new EmbeddedPostgresException("interrupted while running " + command.get(0), e);
    }
    if (!finished) {
      throw new EmbeddedPostgresException(
          "command did not finish within "
              + timeout.toSeconds()
              + " s and was killed: "
              + String.join(" ", command)
              + "\n"
              + tail(out.text(), 20));
    }
    return new Result(process.exitValue(), out.text());
  }

  /** The last {@code lines} non-blank lines of {@code text}. */
  static String tail(String text, int lines) {
    List<String> all =
        Arrays.stream(text.split("\\R")).filter(l -> !l.isBlank()).toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Keeps the last {@link #MAX_OUTPUT_BYTES} bytes written to it. */
  private static final class TailBuffer {
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private boolean truncated;

    void drain(InputStream in) {
      byte[] chunk = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(chunk)) > 0) {
          append(chunk, n);
        }
      } catch (IOException ignored) {
        // the process went away; keep what we have
      }
    }

    private synchronized void append(byte[] chunk, int n) {
      buffer.write(chunk, 0, n);
      if (buffer.size() > 2 * MAX_OUTPUT_BYTES) {
        byte[] all = buffer.toByteArray();
        buffer.reset();
        buffer.write(all, all.length - MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES);
        truncated = true;
      }
    }

    synchronized String text() {
      String s = buffer.toString(StandardCharsets.UTF_8);
      return truncated ? "..." + s : s;
    }
  }
}
