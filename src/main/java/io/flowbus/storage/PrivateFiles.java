package io.flowbus.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Files and folders only the engine's own user may read: folders {@code rwx------}, files {@code
 * rw-------}. On a file system without POSIX permissions they are created as it allows.
 */
public final class PrivateFiles {
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private PrivateFiles() {}

  /** Creates {@code dir} and its missing parents private; an existing folder is left as it is. */
  public static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      if (posix(dir)) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /** Creates {@code dir} private, or makes an existing one private. */
  public static void restrict(Path dir) throws IOException {
    createDirectories(dir);
    if (posix(dir) && !Files.getPosixFilePermissions(dir).equals(DIRECTORY)) {
      Files.setPosixFilePermissions(dir, DIRECTORY);
    }
  }

  /** Writes {@code bytes} to {@code file} all at once: readers see the old or the new content. */
  public static void write(Path file, byte[] bytes) throws IOException {
    createDirectories(file.getParent());
    Path tmp = newFile(file, bytes);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * A new private file beside {@code file} holding {@code bytes}, synced; the caller moves or links
   * it in place.
   */
  static Path newFile(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    FileAttribute<?>[] attributes =
        posix(file)
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
            : new FileAttribute<?>[0];
    try (FileChannel channel =
        FileChannel.open(
            tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  /** Makes the entries of {@code dir} durable, where the platform allows it. */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // not every platform can open or sync a folder: the entry is written, only not yet synced
    }
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
