package io.convene.db.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An exclusive lock on {@code <dataDir>/convene.lock}, held for an instance's lifetime. */
final class DataDirLock {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  /** Data directories locked by this JVM (a second FileChannel on the lock would drop the lock). */
  private static final Set<Path> lockedInThisJvm = new HashSet<>(); // guarded by itself

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
      throw ServerSetup.unusable(dir, "it cannot be resolved (" + e + ")", e);
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
      throw ServerSetup.unusable(dir, "cannot lock " + lockFile + " (" + e + ")", e);
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
