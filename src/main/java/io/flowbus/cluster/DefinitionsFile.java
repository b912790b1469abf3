package io.flowbus.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The definitions put in force over REST, kept on the shared volume so that a restart of the whole
 * cluster keeps them. Every write goes through a temporary file of its own, then an atomic rename:
 * two nodes that write at once (two replacements racing) never mix their texts nor lose each
 * other's temporary file.
 */
final class DefinitionsFile {
  private final Path path;

  DefinitionsFile(Path path) {
    this.path = path;
  }

  /** Replaces the kept text with {@code text}; blocking. */
  Void write(String text) throws IOException {
    Files.createDirectories(path.getParent());
    Path tmp = Files.createTempFile(path.getParent(), path.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return null;
  }
}
